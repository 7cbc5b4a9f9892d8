{#- A landing timestamp (a Parquet timestamp, or text written by the contract:
    ISO-8601 UTC with "Z" or an offset) as a naive UTC timestamp; NULL when it
    does not parse. Text without an offset is read as UTC (docs/decision-log.md). -#}
{% macro parse_utc_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'pmr_warehouse')(expr)) }}
{%- endmacro %}

{#- epoch_us/make_timestamp keep the instant without a time-zone conversion,
    several times faster than AT TIME ZONE on tens of millions of rows. -#}
{% macro default__parse_utc_timestamp(expr) -%}
    make_timestamp(epoch_us(try_cast({{ expr }} as timestamptz)))
{%- endmacro %}

{% macro spark__parse_utc_timestamp(expr) -%}
    to_utc_timestamp(to_timestamp({{ expr }}), 'UTC')
{%- endmacro %}
