{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('int_devices_touched_keys'), row_key([device_key()])) }}"
) }}

{#- One row per deliverable 11.1 (Update Firmware) request received in the
    reporting period (DF1/DF2, metrics.md §4):
    - is_delivered: it succeeded and its final response came at most
      fw_delivery_window_s (5 days, parameters seed) after received_at;
    - verification, for delivered images only: `verified` when the device
      (alerts.device_id = the request's device_id) raised 8F72 within
      fw_verification_window_s (5 days) after the final response, else
      `verification_failed` when it raised 8F1C in that window, else
      `no_alert`; null when not delivered. Alerts count whether or not they were
      suppressed (the device raised them either way).

    Range join kept small: delivered images only, against the 8F72/8F1C alerts
    (int_firmware_verification_alerts) received from the period start to the end
    of the two windows after it.
    An incremental build recomputes the requests of the touched devices only
    (int_devices_touched_keys), and reads only their alerts. -#}

with firmware as (

    select
        request_id,
        device_id,
        device_type,
        segment,
        received_at,
        final_response_at,
        is_success,
        coalesce(
            is_success
            and {{ seconds_between('received_at', 'final_response_at') }}
                <= {{ parameter_value('fw_delivery_window_s') }},
            false
        ) as is_delivered
    from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '11.1'
        and not is_transform
        and is_deliverable
        and {{ in_touched_partitions(row_key([device_key()]),
                                     ref('int_devices_touched_keys')) }}

),

verification_alerts as (

    select device_id, alert_code, received_at
    from {{ ref('int_firmware_verification_alerts') }}
    where {{ in_touched_partitions(row_key(['device_id']), ref('int_devices_touched_keys')) }}
        and received_at >= {{ period_start_utc() }}
        and received_at <= {{ dbt.dateadd(
            'second',
            parameter_value('fw_delivery_window_s') ~ ' + ' ~ parameter_value('fw_verification_window_s'),
            period_end_utc()) }}

),

alerts_in_window as (

    select
        firmware.request_id,
        max(case when verification_alerts.alert_code = '8F72' then 1 else 0 end) as has_verified_alert,
        max(case when verification_alerts.alert_code = '8F1C' then 1 else 0 end) as has_failed_alert
    from firmware
    inner join verification_alerts
        on firmware.device_id = verification_alerts.device_id
        and verification_alerts.received_at >= firmware.final_response_at
    where firmware.is_delivered
        and {{ seconds_between('firmware.final_response_at', 'verification_alerts.received_at') }}
            <= {{ parameter_value('fw_verification_window_s') }}
    group by firmware.request_id

),

final as (

    select
        firmware.request_id,
        firmware.device_id,
        firmware.device_type,
        firmware.segment,
        firmware.received_at,
        firmware.final_response_at,
        firmware.is_success,
        firmware.is_delivered,
        case
            when not firmware.is_delivered then null
            when alerts_in_window.has_verified_alert = 1 then 'verified'
            when alerts_in_window.has_failed_alert = 1 then 'verification_failed'
            else 'no_alert'
        end as verification
    from firmware
    left join alerts_in_window on firmware.request_id = alerts_in_window.request_id

)

select * from final
