{#- Rows of service_responses that are not simply accepted (duplicates,
    quarantined). Responses have no id: only exact copies are duplicates. A
    response before its request's receipt is quarantined. -#}

with requests as (
    select request_id as requested_id, received_at as request_received_at
    from {{ ref('stg_service_requests') }}
),

with_requests as (
    select
        checked._file,
        checked._row,
        checked.request_id,
        checked.response_at,
        checked.response_code,
        checked.request_id__text,
        checked.response_at__text,
        checked.response_code__text,
        coalesce(
            checked.row_reason,
            case when checked.response_at < requests.request_received_at then 'response before its request' end
        ) as row_reason
    from {{ ref('stg_service_responses__checked') }} as checked
    left join requests on checked.request_id = requests.requested_id
),

{{ landing_exceptions('with_requests', 'service_responses', [], keys_from=ref('stg_service_responses__checked')) }}
