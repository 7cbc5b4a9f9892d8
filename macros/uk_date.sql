{#- The UK local calendar date of a naive UTC timestamp. -#}
{% macro uk_date(ts) -%}
    cast({{ utc_to_uk(ts) }} as date)
{%- endmacro %}
