{#- The value of one row of the parameters seed, as a scalar subquery, so that
    windows and thresholds stay configuration (seeds/parameters.csv), not code. -#}
{% macro parameter_value(name) -%}
    (select value from {{ ref('parameters') }} where parameter = '{{ name }}')
{%- endmacro %}
