{#- A naive UK local timestamp as naive UTC. -#}
{% macro uk_to_utc(ts) -%}
    {{ return(adapter.dispatch('uk_to_utc', 'pmr_warehouse')(ts)) }}
{%- endmacro %}

{% macro default__uk_to_utc(ts) -%}
    (({{ ts }}) at time zone 'Europe/London') at time zone 'UTC'
{%- endmacro %}

{% macro spark__uk_to_utc(ts) -%}
    to_utc_timestamp({{ ts }}, 'Europe/London')
{%- endmacro %}
