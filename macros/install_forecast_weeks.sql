{#- How many weeks back the install forecast looks (metrics.md §4: the same weekday
    in each of the four previous weeks). The forecast (pmr_install_forecast) and the
    history its inputs keep (int_installs, int_install_days) both read it. -#}
{% macro install_forecast_weeks() -%}
    {{ return(4) }}
{%- endmacro %}
