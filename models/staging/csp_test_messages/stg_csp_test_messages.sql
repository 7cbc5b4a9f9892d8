{{ config(materialized='view') }}

select
    csp_region,
    sent_at,
    rtt_ms,
    _file
from {{ ref('base_csp_test_messages') }}
where row_status = 'accepted'
