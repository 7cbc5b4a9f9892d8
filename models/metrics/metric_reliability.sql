{#- Figures of Requirement 3 reliability (metrics.md §5) for the period:
    reliability.outages, mttr_h and mtbf_h per service x segment (`All` or a
    CSP region; mttr_h and mtbf_h are NULL when there was no outage), and
    reliability.incidents by category 1-5 (raised in the period; categories
    3-5 only with the DCC as Responsible Party, metrics.md §5), 0 for a category
    with none, and for those categories together (category NULL); and
    reliability.incidents_all, the same without the Responsible Party filter (the
    seed's "Total Number of Incidents (category 1 to 5)"), by category and in total. -#}

with monthly as (

    select * from {{ ref('pmr_availability_monthly') }}
    where period_start_utc = {{ period_start_utc() }}

),

raised as (

    select * from {{ ref('fct_incidents') }}
    where raised_at >= {{ period_start_utc() }}
        and raised_at < {{ period_end_utc() }}

),

categories as (

    select category from {{ ref('incident_targets') }}

),

-- both counts per category, 0 when none; the totals are their sums
by_category as (

    select
        cast(categories.category as {{ dbt.type_string() }}) as category,
        count(case when raised.counts_for_reliability then raised.incident_id end) as incidents,
        count(raised.incident_id) as incidents_all
    from categories
    left join raised on categories.category = raised.category
    group by categories.category

),

figures as (

    select
        'reliability.outages' as metric_id,
        service,
        segment,
        cast(null as {{ dbt.type_string() }}) as category,
        cast(outages as double) as value
    from monthly

    union all

    select 'reliability.mttr_h', service, segment, null, mttr_h
    from monthly

    union all

    select 'reliability.mtbf_h', service, segment, null, mtbf_h
    from monthly

    union all

    select 'reliability.incidents', null, null, category, cast(incidents as double)
    from by_category

    union all

    select 'reliability.incidents', null, null, null, cast(sum(incidents) as double)
    from by_category

    union all

    select 'reliability.incidents_all', null, null, category, cast(incidents_all as double)
    from by_category

    union all

    select 'reliability.incidents_all', null, null, null, cast(sum(incidents_all) as double)
    from by_category

),

final as (

    select
        metric_id,
        '{{ var("period") }}' as period,
        cast(null as date) as day,
        cast(null as {{ dbt.type_string() }}) as business_process,
        segment,
        cast(null as {{ dbt.type_string() }}) as device_type,
        service,
        cast(null as {{ dbt.type_string() }}) as time_band,
        category,
        cast(value as double) as value
    from figures

)

select * from final
