{#- A naive UTC timestamp as naive UK local time (Europe/London, with BST). -#}
{% macro utc_to_uk(ts) -%}
    {{ return(adapter.dispatch('utc_to_uk', 'pmr_warehouse')(ts)) }}
{%- endmacro %}

{% macro default__utc_to_uk(ts) -%}
    (({{ ts }}) at time zone 'UTC') at time zone 'Europe/London'
{%- endmacro %}

{% macro spark__utc_to_uk(ts) -%}
    from_utc_timestamp({{ ts }}, 'Europe/London')
{%- endmacro %}
