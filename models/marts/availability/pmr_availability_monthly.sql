{#- One row per reporting period (var('period') and the month before it),
    DCC Service and segment (`All` = national view, or a CSP region):
    availability (metrics.md §5) and reliability. Uptime = time in the period
    minus excluded Planned Maintenance; availability_pct = (Uptime - unplanned
    downtime) / Uptime x 100. outages counts maximal runs of unplanned
    downtime (over-cap planned time included); mttr_h and mtbf_h are NULL when
    there was no outage. -#}

with pieces as (

    select * from {{ ref('int_service_state_pieces_capped') }}

),

periods as (

    select period, is_current_period, period_start_utc from {{ ref('int_reporting_periods') }}

),

services as (

    select distinct service, service_name from {{ ref('service_components') }}

),

totals as (

    select
        period,
        service,
        segment,
        {{ sum_exact('duration_s') }} as period_s,
        {{ sum_exact('excluded_planned_s') }} as excluded_planned_s,
        {{ sum_exact('unplanned_downtime_s') }} as unplanned_downtime_s,
        {{ sum_exact('planned_over_cap_s') }} as planned_over_cap_s,
        cast(sum(case when starts_outage then 1 else 0 end) as integer) as outages
    from pieces
    group by period, service, segment

),

final as (

    select
        totals.period,
        periods.is_current_period,
        periods.period_start_utc,
        totals.service,
        services.service_name,
        totals.segment,
        totals.period_s / 60.0 as minutes_in_period,
        totals.excluded_planned_s / 60.0 as excluded_planned_min,
        totals.unplanned_downtime_s / 60.0 as unplanned_downtime_min,
        totals.planned_over_cap_s / 60.0 as planned_over_cap_min,
        (totals.period_s - totals.excluded_planned_s) / 60.0 as uptime_min,
        {{ availability_pct('totals.period_s', 'totals.excluded_planned_s', 'totals.unplanned_downtime_s') }} as availability_pct,
        totals.outages,
        case
            when totals.outages > 0 then totals.unplanned_downtime_s / 3600.0 / totals.outages
        end as mttr_h,
        case
            when totals.outages > 0
                then (totals.period_s - totals.excluded_planned_s - totals.unplanned_downtime_s)
                    / 3600.0 / totals.outages
        end as mtbf_h
    from totals
    inner join periods on totals.period = periods.period
    inner join services on totals.service = services.service

)

select * from final
