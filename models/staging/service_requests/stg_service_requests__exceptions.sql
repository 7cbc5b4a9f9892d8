{#- Rows of service_requests that are not simply accepted: duplicates and quarantined rows. -#}

with checked as (
    select * from {{ ref('stg_service_requests__checked') }}
),

{{ landing_exceptions('checked', 'service_requests', ['request_id']) }}
