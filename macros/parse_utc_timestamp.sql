{#- Text written by the landing contract (ISO-8601 UTC, "Z" or an offset) as a
    naive UTC timestamp; NULL when unparsable. Text without an offset is read
    as UTC (docs/decision-log.md). -#}
{% macro parse_utc_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'pmr_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(expr) -%}
    (try_cast({{ expr }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{% macro spark__parse_utc_timestamp(expr) -%}
    to_utc_timestamp(to_timestamp({{ expr }}), 'UTC')
{%- endmacro %}
