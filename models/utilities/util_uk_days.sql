{#- One row per UK local date of the years the uk_bank_holidays seed covers
    (2000-2046 as delivered; within 2000-2046 at most, the years landing
    timestamps may take and the one after, for deadlines that cross into it):
    its bounds in UTC (a clock-change day lasts 23 or 25 hours), ISO weekday and
    Working Day flags (metrics.md §1: not Saturday, not Sunday, not an England
    and Wales bank holiday from the seed). A year the seed does not cover has no
    days here rather than days without holidays, as pmr refuses such a month.
    working_day_ordinal counts the Working Days up to and including the date,
    for "N Working Days after t" (macro add_working_days). -#}

with spine as (

    {{ dbt.date_spine(
        'day',
        "cast('2000-01-01' as date)",
        "cast('2047-01-01' as date)",
    ) }}

),

bank_holidays as (

    select holiday_date from {{ ref('uk_bank_holidays') }}

),

seed_years as (

    select
        min(substring(cast(holiday_date as {{ dbt.type_string() }}), 1, 4)) as first_year,
        max(substring(cast(holiday_date as {{ dbt.type_string() }}), 1, 4)) as last_year
    from bank_holidays

),

days as (

    select cast(spine.date_day as date) as uk_date
    from spine
    cross join seed_years
    where cast(spine.date_day as date) < cast('2047-01-01' as date)
        and substring(cast(cast(spine.date_day as date) as {{ dbt.type_string() }}), 1, 4)
            between seed_years.first_year and seed_years.last_year

),

flagged as (

    select
        days.uk_date,
        substring(cast(days.uk_date as {{ dbt.type_string() }}), 1, 7) as period,
        {{ uk_to_utc('cast(days.uk_date as timestamp)') }} as day_start_utc,
        {{ uk_to_utc(
            'cast(' ~ dbt.dateadd('day', 1, 'days.uk_date') ~ ' as timestamp)'
        ) }} as day_end_utc,
        -- 1999-12-27 was a Monday, before the first date: ISO weekday 1 = Monday ... 7 = Sunday
        ({{ dbt.datediff("cast('1999-12-27' as date)", 'days.uk_date', 'day') }} % 7)
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
