{#- "N Working Days after t" (metrics.md §1): step forward n Working Days from
    the UK local date of ts_utc, keeping its UK local time of day; returns naive
    UTC. Across a clock change the result moves by an hour in UTC (Friday 10:00
    BST + 1 Working Day = Monday 10:00 GMT). ts_utc and n are SQL expressions
    (columns allowed). Working Days come from util_uk_days (its
    working_day_ordinal counts Working Days up to and including each date, so
    the target is the Working Day whose ordinal is the origin's + n; a
    non-working origin shares the ordinal of the Working Day before it). -#}
{% macro add_working_days(ts_utc, n) -%}
    {{ return(adapter.dispatch('add_working_days', 'pmr_warehouse')(ts_utc, n)) }}
{%- endmacro %}

{% macro default__add_working_days(ts_utc, n) -%}
    (
        select max(
            {{ uk_to_utc(
                'cast(target_day.uk_date as timestamp) + ('
                ~ utc_to_uk(ts_utc) ~ ' - cast(origin_day.uk_date as timestamp))'
            ) }}
        )
        from {{ ref('util_uk_days') }} as origin_day
        inner join {{ ref('util_uk_days') }} as target_day
            on target_day.is_working_day
        where origin_day.uk_date = cast({{ utc_to_uk(ts_utc) }} as date)
            and target_day.working_day_ordinal
                = origin_day.working_day_ordinal + cast({{ n }} as integer)
    )
{%- endmacro %}

{#- Spark rejects an outer reference inside the aggregate of a correlated scalar
    subquery, so the subquery finds only the target UK date and the UK local time
    of day of ts_utc is added outside it. -#}
{% macro spark__add_working_days(ts_utc, n) -%}
    {%- set ts_uk = utc_to_uk(ts_utc) -%}
    {%- set target_date -%}
    (
        select max(target_day.uk_date)
        from {{ ref('util_uk_days') }} as origin_day
        inner join {{ ref('util_uk_days') }} as target_day
            on target_day.is_working_day
        where origin_day.uk_date = cast({{ ts_uk }} as date)
            and target_day.working_day_ordinal
                = origin_day.working_day_ordinal + cast({{ n }} as integer)
    )
    {%- endset -%}
    {{ uk_to_utc('cast(' ~ target_date ~ ' as timestamp) + (' ~ ts_uk ~ ' - cast(cast(' ~ ts_uk ~ ' as date) as timestamp))') }}
{%- endmacro %}
