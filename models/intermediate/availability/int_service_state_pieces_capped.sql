{#- One row per piece of int_service_state_pieces (period, service, segment,
    piece_start_utc), with the Planned Maintenance cap applied (metrics.md §5):
    planned time is excluded up to the cap (parameters seed,
    planned_maintenance_cap_min) per service, view and period, taken in time
    order; planned time beyond the cap counts as unplanned downtime. Because
    the cap runs in time order across the month, the excluded time of each
    piece lands in the UK day and time band where it happened.
    starts_outage marks the start of a maximal run of unplanned downtime
    (reliability.outages): when the cap runs out inside a planned piece, the
    over-cap remainder starts a new run (the piece's excluded part lies
    before it). -#}

with pieces as (

    select * from {{ ref('int_service_state_pieces') }}

),

cap as (

    select value * 60 as cap_s
    from {{ ref('parameters') }}
    where parameter = 'planned_maintenance_cap_min'

),

planned_so_far as (

    select
        pieces.*,
        coalesce(sum(case when state = 'planned' then duration_s else 0 end) over (
            partition by period, service, segment
            order by piece_start_utc
            rows between unbounded preceding and 1 preceding
        ), 0) as planned_before_s
    from pieces

),

excluded as (

    select
        planned_so_far.*,
        case
            when state = 'planned'
                then greatest(0, least(duration_s, cap.cap_s - planned_before_s))
            else 0
        end as excluded_planned_s
    from planned_so_far
    cross join cap

),

downtime as (

    select
        excluded.*,
        case
            when state = 'unplanned' then duration_s
            when state = 'planned' then duration_s - excluded_planned_s
            else 0
        end as unplanned_downtime_s,
        case when state = 'planned' then duration_s - excluded_planned_s else 0 end as planned_over_cap_s
    from excluded

),

final as (

    select
        period,
        service,
        segment,
        piece_start_utc,
        piece_end_utc,
        uk_date,
        time_band,
        state,
        duration_s,
        planned_before_s,
        excluded_planned_s,
        unplanned_downtime_s,
        planned_over_cap_s,
        unplanned_downtime_s > 0 as is_down,
        unplanned_downtime_s > 0
        and (
            excluded_planned_s > 0
            or not coalesce(lag(unplanned_downtime_s > 0) over (
                partition by period, service, segment order by piece_start_utc
            ), false)
        ) as starts_outage
    from downtime

)

select * from final
