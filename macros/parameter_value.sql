{#- The value of one row of the parameters seed, as a scalar subquery, so that
    windows and thresholds stay configuration (seeds/parameters.csv), not code.
    NULL for a name the seed lacks: pmr.metrics.check_declarations refuses such a
    name, written as a quoted literal, before any build. -#}
{% macro parameter_value(name) -%}
    (select value from {{ ref('parameters') }} where parameter = '{{ name }}')
{%- endmacro %}
