{#- True when a naive UTC timestamp falls in the reporting period (UK month). -#}
{% macro in_period(ts) -%}
    ({{ ts }} >= {{ period_start_utc() }} and {{ ts }} < {{ period_end_utc() }})
{%- endmacro %}
