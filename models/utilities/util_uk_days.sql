{#- One row per UK local date, 2019-01-01 to 2035-12-31: its bounds in UTC (a
    clock-change day lasts 23 or 25 hours), ISO weekday and Working Day flags
    (metrics.md §1: not Saturday, not Sunday, not an England and Wales bank
    holiday from the uk_bank_holidays seed). working_day_ordinal counts the
    Working Days up to and including the date, for "N Working Days after t"
    (macro add_working_days). -#}

with spine as (

    {{ dbt.date_spine(
        'day',
        "cast('2019-01-01' as date)",
        "cast('2036-01-01' as date)",
    ) }}

),

bank_holidays as (

    select holiday_date from {{ ref('uk_bank_holidays') }}

),

days as (

    select cast(date_day as date) as uk_date
    from spine
    where cast(date_day as date) < cast('2036-01-01' as date)

),

flagged as (

    select
        days.uk_date,
        substring(cast(days.uk_date as {{ dbt.type_string() }}), 1, 7) as period,
        {{ uk_to_utc('cast(days.uk_date as timestamp)') }} as day_start_utc,
        {{ uk_to_utc(
            'cast(' ~ dbt.dateadd('day', 1, 'days.uk_date') ~ ' as timestamp)'
        ) }} as day_end_utc,
        -- 2018-12-31 was a Monday: ISO weekday 1 = Monday ... 7 = Sunday
        ({{ dbt.datediff("cast('2018-12-31' as date)", 'days.uk_date', 'day') }} % 7)
            + 1 as iso_weekday,
        bank_holidays.holiday_date is not null as is_bank_holiday
    from days
    left join bank_holidays on days.uk_date = bank_holidays.holiday_date

),

final as (

    select
        uk_date,
        period,
        day_start_utc,
        day_end_utc,
        {{ seconds_between('day_start_utc', 'day_end_utc') }} / 3600.0 as hours_in_day,
        iso_weekday,
        is_bank_holiday,
        iso_weekday <= 5 and not is_bank_holiday as is_working_day,
        cast(sum(case when iso_weekday <= 5 and not is_bank_holiday then 1 else 0 end) over (
            order by uk_date rows between unbounded preceding and current row
        ) as integer) as working_day_ordinal
    from flagged

)

select * from final
