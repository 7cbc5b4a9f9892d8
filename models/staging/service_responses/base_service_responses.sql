{#- Every row read from service_responses files, typed, with its verdict.
    Responses have no id of their own: only exact copies are duplicates. -#}
{%- set spec = [
    ['request_id', 'string', true],
    ['response_at', 'timestamp', true],
    ['response_code', 'string', true],
] -%}

with raw as (
    select * from {{ source('landing', 'service_responses') }}
),

requests as (
    select request_id as requested_id, received_at as request_received_at
    from {{ ref('stg_service_requests') }}
),

typed as (
    select
        _file,
        _row,
        {{ typed_contract_columns(spec) }}
    from raw
),

checked as (
    select
        typed.*,
        {{ first_reason([
            contract_violation(spec),
            "case when not " ~ matches_pattern('response_code', 'I0|I99|E[0-9]+') ~ " then 'unknown response_code' end",
            "case when response_at < request_received_at then 'response before its request' end",
        ]) }} as row_reason
    from typed
    left join requests on typed.request_id = requests.requested_id
),

{{ classify_rows('checked', spec, []) }}
