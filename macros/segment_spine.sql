{#- A relation of the reporting segments, one column `segment`: North,
    Central, South, SMETS1 (unless include_smets1 is false, for figures of SRVs
    that do not apply to SMETS1) and All. Spines make counts 0, not missing. -#}
{% macro segment_spine(include_smets1=true) -%}
    (
        select 'North' as segment
        union all select 'Central'
        union all select 'South'
        {%- if include_smets1 %}
        union all select 'SMETS1'
        {%- endif %}
        union all select 'All'
    )
{%- endmacro %}
