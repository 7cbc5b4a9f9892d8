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

{#- A whole number as bigint, NULL for anything else. A plain cast would round
    "4.6" to 5 and read "1e3" or "0x1"; here text must be digits (optionally signed,
    with spaces around or a zero fraction such as "12.0", as a float column writes
    whole numbers). Integer-typed values (Parquet) pass straight through: DuckDB
    folds typeof() when it binds the query, so only text pays for the check. -#}
{% macro try_cast_integer(expr) -%}
    {{ return(adapter.dispatch('try_cast_integer', 'pmr_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__try_cast_integer(expr) -%}
    case
        when typeof({{ expr }}) in ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT')
            then try_cast({{ expr }} as bigint)
        when regexp_full_match(trim(cast({{ expr }} as varchar)), '[+-]?[0-9]+([.]0*)?')
            then try_cast(trim(cast({{ expr }} as varchar)) as bigint)
    end
{%- endmacro %}

{% macro spark__try_cast_integer(expr) -%}
    case when trim(cast({{ expr }} as string)) rlike '^[+-]?[0-9]+([.]0*)?$'
        then cast(trim(cast({{ expr }} as string)) as bigint) end
{%- endmacro %}
