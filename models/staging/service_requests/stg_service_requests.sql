{{ config(materialized='view') }}

select
    request_id,
    received_at,
    user_id,
    user_role,
    srv,
    command_variant,
    device_id,
    device_type,
    smets,
    case when smets = 'SMETS2' then csp_region end as csp_region,
    execution_at,
    dsp_processing_ms,
    _file
from {{ ref('base_service_requests') }}
where row_status = 'accepted'
