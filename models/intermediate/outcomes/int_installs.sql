{#- One row per deliverable install request (metrics.md §4, IC1) received from
    28 days before the reporting period to its end: an 8.14.1 (CH Status
    Update - Install Success) counts as a CHF install, an 8.1.1 (Commission
    Device) to an ESME or GSME as an install of that type. Transforms are not
    counted. Success, deliverable, segment and UK day come from
    fct_service_requests. The days before the period feed the forecast. -#}

{%- set history_days = 7 * install_forecast_weeks() %}

with requests as (

    select * from {{ ref('fct_service_requests') }}
    where received_at >= {{ uk_to_utc('cast(' ~ period_day_offset(-history_days) ~ ' as timestamp)') }}
        and received_at < {{ period_end_utc() }}
        and not is_transform
        and is_deliverable
        and (srv = '8.14.1' or (srv = '8.1.1' and device_type in ('ESME', 'GSME')))

),

final as (

    select
        request_id,
        srv,
        received_at,
        received_day_uk,
        segment,
        case when srv = '8.14.1' then 'CHF' else device_type end as install_device_type,
        is_success,
        {{ in_period('received_at') }} as is_in_period
    from requests

)

select * from final
