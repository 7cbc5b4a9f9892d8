{#- One row per reporting period (var('period') and the month before it), UK
    local date, DCC Service and segment (`All` or a CSP region): the day's
    availability, the metrics.md §5 formula restricted to the day (23, 24 or
    25 hours). The Planned Maintenance cap is applied in time order across the
    month, so a day's excluded time is what remained of the cap then. -#}

with pieces as (

    select * from {{ ref('int_service_state_pieces_capped') }}

),

totals as (

    select
        period,
        uk_date,
        service,
        segment,
        {{ sum_exact('duration_s') }} as day_s,
        {{ sum_exact('excluded_planned_s') }} as excluded_planned_s,
        {{ sum_exact('unplanned_downtime_s') }} as unplanned_downtime_s
    from pieces
    group by period, uk_date, service, segment

),

periods as (

    select period, is_current_period from {{ ref('int_reporting_periods') }}

),

final as (

    select
        totals.period,
        periods.is_current_period,
        uk_date,
        service,
        segment,
        day_s / 60.0 as minutes_in_day,
        excluded_planned_s / 60.0 as excluded_planned_min,
        unplanned_downtime_s / 60.0 as unplanned_downtime_min,
        (day_s - excluded_planned_s) / 60.0 as uptime_min,
        {{ availability_pct('day_s', 'excluded_planned_s', 'unplanned_downtime_s') }} as availability_pct
    from totals
    inner join periods on periods.period = totals.period

)

select * from final
