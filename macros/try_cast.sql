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

{#- A boolean as DuckDB's cast reads one (true/false, t/f, yes/no, y/n, 1/0, any case),
    with spaces around allowed as for a whole number; NULL for anything else.
    Boolean-typed values (Parquet) pass straight through, as in try_cast_integer. -#}
{% macro try_cast_boolean(expr) -%}
    {{ return(adapter.dispatch('try_cast_boolean', 'pmr_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__try_cast_boolean(expr) -%}
    case
        when typeof({{ expr }}) = 'BOOLEAN' then try_cast({{ expr }} as boolean)
        else try_cast(trim(cast({{ expr }} as varchar)) as boolean)
    end
{%- endmacro %}

{% macro spark__try_cast_boolean(expr) -%}
    cast(trim(cast({{ expr }} as string)) as boolean)
{%- endmacro %}
