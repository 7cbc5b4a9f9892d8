{#- The reporting segment: the CSP region for SMETS2, SMETS1 for all SMETS1. -#}
{% macro segment_of(smets, region) -%}
    case when {{ smets }} = 'SMETS1' then 'SMETS1' else {{ region }} end
{%- endmacro %}
