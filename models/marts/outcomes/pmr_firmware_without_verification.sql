{#- DF2's record of devices (the MP122 seed: "record devices that did not issue an
    alert after the SLA has elapsed to identify failure to transfer from CH to the
    device"): one row per firmware image delivered in the reporting period
    (int_firmware_deliveries) whose device raised neither 8F72 nor 8F1C within
    fw_verification_window_s after the final response, the images fw.pct_no_verification_alert
    counts. Its rows are the count no_verification_alert of pmr_firmware. -#}

select
    request_id,
    device_id,
    device_type,
    segment,
    received_at,
    final_response_at,
    {{ dbt.dateadd('second', parameter_value('fw_verification_window_s'), 'final_response_at') }}
        as verification_due_by
from {{ ref('int_firmware_deliveries') }}
where verification = 'no_alert'
