{#- One row per UK local date and time-of-day slice: the day cut at the
    Requirement 3 band boundaries (UK local time). `active` = Monday-Friday
    08:00-20:00 and Saturday 08:00-12:00; `inactive` = every other minute
    (Sunday all day). Bank holidays follow their weekday (metrics.md §5 names
    no exception). The slices of a month partition it exactly, so any interval
    cut at slice bounds falls in one UK day and one band. -#}

with days as (

    select uk_date, period, iso_weekday from {{ ref('util_uk_days') }}

),

-- day_kind: weekday (Mon-Fri), saturday, sunday; hours are UK local
slice_template as (

    select 'weekday' as day_kind, 1 as slice_no, 'inactive' as time_band, 0 as start_hour, 8 as end_hour
    union all select 'weekday', 2, 'active', 8, 20
    union all select 'weekday', 3, 'inactive', 20, 24
    union all select 'saturday', 1, 'inactive', 0, 8
    union all select 'saturday', 2, 'active', 8, 12
    union all select 'saturday', 3, 'inactive', 12, 24
    union all select 'sunday', 1, 'inactive', 0, 24

),

days_with_kind as (

    select
        *,
        case
            when iso_weekday <= 5 then 'weekday'
            when iso_weekday = 6 then 'saturday'
            else 'sunday'
        end as day_kind
    from days

),

final as (

    select
        days_with_kind.uk_date,
        days_with_kind.period,
        slice_template.slice_no,
        slice_template.time_band,
        {{ uk_to_utc(
            dbt.dateadd('hour', 'slice_template.start_hour', 'cast(days_with_kind.uk_date as timestamp)')
        ) }} as slice_start_utc,
        {{ uk_to_utc(
            dbt.dateadd('hour', 'slice_template.end_hour', 'cast(days_with_kind.uk_date as timestamp)')
        ) }} as slice_end_utc
    from days_with_kind
    inner join slice_template on days_with_kind.day_kind = slice_template.day_kind

)

select * from final
