{#- One row per reporting period (var('period') and the month before it),
    DCC Service, segment (`All` or a CSP region) and time band (`active`,
    `inactive`, UK local time): the band's own availability, the metrics.md §5
    formula restricted to the band's time. The Planned Maintenance cap is
    applied once per month in time order; each excluded minute counts in the
    band where it happened. -#}

with pieces as (

    select * from {{ ref('int_service_state_pieces_capped') }}

),

periods as (

    select period, is_current_period, period_start_utc from {{ ref('int_reporting_periods') }}

),

totals as (

    select
        period,
        service,
        segment,
        time_band,
        {{ sum_exact('duration_s') }} as band_s,
        {{ sum_exact('excluded_planned_s') }} as excluded_planned_s,
        {{ sum_exact('unplanned_downtime_s') }} as unplanned_downtime_s
    from pieces
    group by period, service, segment, time_band

),

final as (

    select
        totals.period,
        periods.is_current_period,
        periods.period_start_utc,
        totals.service,
        totals.segment,
        totals.time_band,
        band_s / 60.0 as minutes_in_band,
        excluded_planned_s / 60.0 as excluded_planned_min,
        unplanned_downtime_s / 60.0 as unplanned_downtime_min,
        (band_s - excluded_planned_s) / 60.0 as uptime_min,
        {{ availability_pct('band_s', 'excluded_planned_s', 'unplanned_downtime_s') }} as availability_pct
    from totals
    inner join periods on totals.period = periods.period

)

select * from final
