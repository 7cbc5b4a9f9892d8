{#- One row per reporting period the availability marts hold: the period
    var('period') and the month before it (for the report's "previous service
    level"). Bounds are UTC, half-open [period_start_utc, period_end_utc). -#}

with days as (

    select * from {{ ref('util_uk_days') }}
    where uk_date >= {{ previous_period_first_day() }}
        and uk_date < {{ period_next_first_day() }}

),

final as (

    select
        period,
        period = '{{ var("period") }}' as is_current_period,
        min(day_start_utc) as period_start_utc,
        max(day_end_utc) as period_end_utc
    from days
    group by period

)

select * from final
