{{ config(materialized='view') }}

select
    ch_id,
    csp_region,
    firmware_version,
    event,
    event_at,
    _file
from {{ ref('base_ch_firmware_events') }}
where row_status = 'accepted'
