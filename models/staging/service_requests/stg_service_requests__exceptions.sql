{#- Rows of service_requests that are not simply accepted: duplicates and quarantined rows. -#}

with
{{ landing_exceptions(ref('stg_service_requests__checked'), 'service_requests', ['request_id']) }}
