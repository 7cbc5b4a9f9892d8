{#- The first UK local date of the month before the reporting period
    var('period'), so that marts can show the "previous service level". -#}
{% macro previous_period_first_day() -%}
    {%- set year, month = var("period").split("-") | map("int") -%}
    {%- if month == 1 %}{% set year, month = year - 1, 12 %}{% else %}{% set month = month - 1 %}{% endif -%}
    cast('{{ "%04d-%02d-01" | format(year, month) }}' as date)
{%- endmacro %}
