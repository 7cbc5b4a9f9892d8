{#- Reason when smets / csp_region break the contract: smets is SMETS1 or
    SMETS2; SMETS2 rows need a known region. A known region on a SMETS1 row
    is ignored (the segment is SMETS1 whatever it says); an unknown one is an
    unknown code, on any row. -#}
{% macro valid_segment_columns(smets, region) -%}
    case
        when {{ smets }} not in ('SMETS1', 'SMETS2') then 'unknown smets'
        when {{ region }} is not null and {{ region }} not in ('North', 'Central', 'South') then 'unknown csp_region'
        when {{ smets }} = 'SMETS2' and {{ region }} is null then 'missing required value: csp_region (SMETS2)'
    end
{%- endmacro %}
