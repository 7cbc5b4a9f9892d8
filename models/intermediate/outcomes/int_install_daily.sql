{#- One row per UK day (four weeks before the reporting period to its end) x
    segment (North, Central, South, SMETS1, All): successful installs of all
    types (int_installs) that day, 0 when there were none, and whether the
    warehouse holds any request that day (has_data). The input of the install
    forecast. -#}

with days as (

    select * from {{ ref('int_install_days') }}

),

installs as (

    select * from {{ ref('int_installs') }}
    where is_success

),

successes as (

    select
        received_day_uk,
        coalesce(segment, 'All') as segment,
        count(*) as successful_installs
    from installs
    group by grouping sets ((received_day_uk, segment), (received_day_uk))

),

final as (

    select
        days.uk_date,
        segments.segment,
        days.iso_weekday,
        days.is_bank_holiday,
        days.is_in_period,
        days.has_data,
        coalesce(successes.successful_installs, 0) as successful_installs
    from days
    cross join {{ segment_spine() }} as segments
    left join successes
        on days.uk_date = successes.received_day_uk
        and segments.segment = successes.segment

)

select * from final
