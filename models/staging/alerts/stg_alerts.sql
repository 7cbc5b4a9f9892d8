{{ config(materialized='view') }}

select
    alert_id,
    alert_code,
    alert_kind,
    device_id,
    device_type,
    smets,
    case when smets = 'SMETS2' then csp_region end as csp_region,
    user_id,
    request_id,
    received_at,
    delivered_at,
    suppressed,
    _file
from {{ ref('base_alerts') }}
where row_status = 'accepted'
