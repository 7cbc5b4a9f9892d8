{#- One row per UK day of the reporting period: the Category 1 and 2 incidents
    open at any time that day (IC2, ic.major_incidents_open). An incident is
    open from raised_at until resolved_at (else closed_at; neither = still
    open), half-open, so one resolved exactly at midnight is not open the next
    day. Every Responsible Party counts. -#}

with days as (

    select uk_date, day_start_utc, day_end_utc
    from {{ ref('util_uk_days') }}
    where uk_date >= {{ period_first_day() }} and uk_date < {{ period_next_first_day() }}

),

incidents as (

    select
        incident_id,
        raised_at,
        coalesce(resolved_at, closed_at) as ended_at
    from {{ ref('stg_incidents') }}
    where category in (1, 2)
        and raised_at < {{ period_end_utc() }}
        and (coalesce(resolved_at, closed_at) is null or coalesce(resolved_at, closed_at) > {{ period_start_utc() }})

),

open_by_day as (

    select
        days.uk_date,
        count(*) as major_incidents_open
    from days
    inner join incidents
        on incidents.raised_at < days.day_end_utc
        and (incidents.ended_at is null or incidents.ended_at > days.day_start_utc)
    group by days.uk_date

),

final as (

    select
        days.uk_date,
        coalesce(open_by_day.major_incidents_open, 0) as major_incidents_open
    from days
    left join open_by_day on days.uk_date = open_by_day.uk_date

)

select * from final
