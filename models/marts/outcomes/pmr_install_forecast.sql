{#- IC1/IC2 installs against their forecast (metrics.md §4): one row per UK day
    of the period x segment (North, Central, South, SMETS1, All), plus one per
    segment for the whole month (day null).

    - successful_installs: successful installs of all types (int_install_daily).
    - predicted_installs: the mean of the successful installs of the same segment
      on the same weekday in each of the four previous weeks (d-7, d-14, d-21,
      d-28); null when any of those four days has no data in the warehouse. The
      monthly row holds the sum of the daily forecasts, null unless every day
      of the month has data and a forecast.
    - deviation: (successful - predicted) / predicted, a ratio; null when the
      day itself has no data or there is no (or a zero) forecast.
    - is_judged: the segment-day can be flagged: a day with data, not a bank
      holiday (the forecast comes from ordinary weekdays), with a forecast of at
      least ic_deviation_min_predicted installs (parameters seed). Never set on
      the monthly row.
    - is_degraded: a judged segment-day with its deviation at or below
      ic_deviation_alert_ratio. The one definition used by the report and by
      pmr/install_detection.py.
    - major_incidents_open: Category 1-2 incidents open at any time that day
      (int_major_incident_days), the same for every segment; null monthly. -#}

{%- set weeks_back = range(1, install_forecast_weeks() + 1) %}

with daily as (

    select * from {{ ref('int_install_daily') }}

),

offsets as (

    {% for weeks in weeks_back -%}
    select {{ 7 * weeks }} as days_back{{ " union all" if not loop.last }}
    {% endfor %}

),

reference_days as (

    select
        target.uk_date,
        target.segment,
        cast(sum(case when history.has_data then 1 else 0 end) as bigint)
            as reference_days_with_data,
        avg(history.successful_installs) as mean_successful_installs
    from daily as target
    cross join offsets
    left join daily as history
        on history.segment = target.segment
        and history.uk_date = cast({{ dbt.dateadd('day', '-offsets.days_back', 'target.uk_date') }} as date)
    where target.is_in_period
    group by target.uk_date, target.segment

),

incident_days as (

    select * from {{ ref('int_major_incident_days') }}

),

days as (

    select
        daily.uk_date as day,
        daily.segment,
        daily.is_bank_holiday,
        daily.has_data,
        daily.successful_installs,
        reference_days.reference_days_with_data,
        case
            when reference_days.reference_days_with_data = {{ weeks_back | length }}
                then reference_days.mean_successful_installs
        end as predicted_installs,
        incident_days.major_incidents_open
    from daily
    inner join reference_days
        on daily.uk_date = reference_days.uk_date
        and daily.segment = reference_days.segment
    left join incident_days on daily.uk_date = incident_days.uk_date
    where daily.is_in_period

),

month as (

    select
        cast(null as date) as day,
        segment,
        cast(null as boolean) as is_bank_holiday,
        min(case when has_data then 1 else 0 end) = 1 as has_data,
        cast(sum(successful_installs) as bigint) as successful_installs,
        cast(null as bigint) as reference_days_with_data,
        case
            when count(predicted_installs) = count(*) and min(case when has_data then 1 else 0 end) = 1
                then {{ sum_exact('predicted_installs') }}
        end as predicted_installs,
        cast(null as bigint) as major_incidents_open
    from days
    group by segment

),

both_grains as (

    select * from days
    union all
    select * from month

),

final as (

    select
        '{{ var("period") }}' as period,
        day,
        segment,
        is_bank_holiday,
        has_data,
        successful_installs,
        reference_days_with_data,
        predicted_installs,
        case
            when has_data and predicted_installs > 0
                then (successful_installs - predicted_installs) / predicted_installs
        end as deviation,
        coalesce(
            day is not null
            and has_data
            and not is_bank_holiday
            and predicted_installs >= {{ parameter_value('ic_deviation_min_predicted') }},
            false
        ) as is_judged,
        major_incidents_open
    from both_grains

)

select
    period, day, segment, is_bank_holiday, has_data, successful_installs, reference_days_with_data,
    predicted_installs, deviation, is_judged,
    coalesce(is_judged and deviation <= {{ parameter_value('ic_deviation_alert_ratio') }}, false) as is_degraded,
    major_incidents_open
from final
