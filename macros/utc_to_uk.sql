{#- A naive UTC timestamp as naive UK local time (Europe/London). -#}
{% macro utc_to_uk(ts) -%}
    {{ return(adapter.dispatch('utc_to_uk', 'pmr_warehouse')(ts)) }}
{%- endmacro %}

{#- British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00
    UTC on the last Sunday of October (the rule in force since 1996). Written as
    plain comparisons, generated here for 1996-2046 (timestamps are
    accepted up to 2045; deadlines may cross into 2046), because a time-zone
    conversion per row costs several times more on the fact tables;
    tests/dbt/assert_utc_to_uk_matches_the_tz_database.sql holds it to the
    time-zone database. -#}
{% macro default__utc_to_uk(ts) -%}
    {%- set datetime = modules.datetime -%}
    ({{ ts }} + case
    {%- for year in range(2046, 1995, -1) %}
        {%- set march = datetime.date(year, 3, 31) -%}
        {%- set october = datetime.date(year, 10, 31) -%}
        {%- set bst_start = march - datetime.timedelta(days=(march.weekday() + 1) % 7) -%}
        {%- set bst_end = october - datetime.timedelta(days=(october.weekday() + 1) % 7) %}
        when {{ ts }} >= cast('{{ bst_start }} 01:00:00' as timestamp) and {{ ts }} < cast('{{ bst_end }} 01:00:00' as timestamp) then interval 1 hour
    {%- endfor %}
        else interval 0 hour
    end)
{%- endmacro %}

{% macro spark__utc_to_uk(ts) -%}
    from_utc_timestamp({{ ts }}, 'Europe/London')
{%- endmacro %}
