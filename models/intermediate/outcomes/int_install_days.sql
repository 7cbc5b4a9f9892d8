{#- One row per UK local date from 28 days (four weeks) before the reporting
    period to its last day: the days the install forecast (ic.installs_predicted)
    looks back on, and whether the warehouse holds any Service Request received
    that day (has_data). A day without any request is a day the extract does not
    cover, not a day with no installs. -#}

{%- set history_days = 7 * install_forecast_weeks() %}

with calendar as (

    select uk_date, iso_weekday, is_bank_holiday
    from {{ ref('util_uk_days') }}
    where uk_date >= {{ period_day_offset(-history_days) }}
        and uk_date < {{ period_next_first_day() }}

),

days_with_requests as (

    select distinct received_day_uk
    from {{ ref('fct_service_requests') }}
    where received_at >= {{ uk_to_utc('cast(' ~ period_day_offset(-history_days) ~ ' as timestamp)') }}
        and received_at < {{ period_end_utc() }}

),

final as (

    select
        calendar.uk_date,
        calendar.iso_weekday,
        calendar.is_bank_holiday,
        calendar.uk_date >= {{ period_first_day() }} as is_in_period,
        days_with_requests.received_day_uk is not null as has_data
    from calendar
    left join days_with_requests on calendar.uk_date = days_with_requests.received_day_uk

)

select * from final
