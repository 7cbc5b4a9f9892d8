{#- Start of the fixed-length bucket (bucket_seconds long, aligned on whole
    multiples since 1970-01-01 UTC) that holds the naive UTC timestamp ts. With
    buckets that divide an hour, UTC and UK local buckets coincide. -#}
{% macro time_bucket_start(ts, bucket_seconds) -%}
    {{ return(adapter.dispatch('time_bucket_start', 'pmr_warehouse')(ts, bucket_seconds)) }}
{%- endmacro %}

{% macro default__time_bucket_start(ts, bucket_seconds) -%}
    time_bucket(to_seconds({{ bucket_seconds }}), {{ ts }}, timestamp '1970-01-01 00:00:00')
{%- endmacro %}

{% macro spark__time_bucket_start(ts, bucket_seconds) -%}
    timestamp_seconds(floor(unix_timestamp({{ ts }}) / {{ bucket_seconds }}) * {{ bucket_seconds }})
{%- endmacro %}
