{#- Cast that yields NULL instead of failing, so bad raw values can be
    quarantined. (dbt.safe_cast raises on DuckDB.) -#}
{% macro try_cast_to(expr, type) -%}
    {{ return(adapter.dispatch('try_cast_to', 'pmr_warehouse')(expr, type)) }}
{%- endmacro %}

{% macro default__try_cast_to(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}

{% macro spark__try_cast_to(expr, type) -%}
    cast({{ expr }} as {{ type }})
{%- endmacro %}
