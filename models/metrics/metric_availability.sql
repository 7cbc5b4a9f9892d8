{#- Figures of Requirement 3 availability (metrics.md §5) for the period, in
    the long format of docs/adding-a-metric.md: availability.pct per service x
    segment (`All` = national view, or a CSP region) for the month, per time
    band and per UK day; unplanned downtime and excluded Planned Maintenance
    in hours per service x segment for the month, and the part of that downtime
    that is Planned Maintenance beyond the cap. -#}

with monthly as (

    select * from {{ ref('pmr_availability_monthly') }}
    where period_start_utc = {{ period_start_utc() }}

),

by_band as (

    select * from {{ ref('pmr_availability_by_band') }}
    where period_start_utc = {{ period_start_utc() }}

),

daily as (

    select * from {{ ref('pmr_availability_daily') }}
    where uk_date >= {{ period_first_day() }}
        and uk_date < {{ period_next_first_day() }}

),

figures as (

    select
        'availability.pct' as metric_id,
        cast(null as date) as day,
        service,
        segment,
        cast(null as {{ dbt.type_string() }}) as time_band,
        availability_pct as value
    from monthly

    union all

    select 'availability.pct', cast(null as date), service, segment, time_band, availability_pct
    from by_band

    union all

    select 'availability.pct', uk_date, service, segment, null, availability_pct
    from daily

    union all

    select 'availability.unplanned_downtime_h', null, service, segment, null, unplanned_downtime_min / 60.0
    from monthly

    union all

    select 'availability.excluded_planned_h', null, service, segment, null, excluded_planned_min / 60.0
    from monthly

    union all

    select 'availability.planned_over_cap_h', null, service, segment, null, planned_over_cap_min / 60.0
    from monthly

),

final as (

    select
        metric_id,
        '{{ var("period") }}' as period,
        day,
        cast(null as {{ dbt.type_string() }}) as business_process,
        segment,
        cast(null as {{ dbt.type_string() }}) as device_type,
        service,
        time_band,
        cast(null as {{ dbt.type_string() }}) as category,
        cast(value as double) as value
    from figures

)

select * from final
