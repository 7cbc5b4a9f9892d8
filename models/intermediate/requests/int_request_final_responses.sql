{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('int_requests_touched_keys'), row_key(['request_id'])) }}"
) }}
-- depends_on: {{ ref('int_requests_touched_keys') }}
-- depends_on: {{ source('landing', 'service_responses_parquet') }}
-- depends_on: {{ source('landing', 'service_responses_csv') }}
-- depends_on: {{ ref('stg_service_responses__exceptions') }}

{#- One row per request that has at least one response: its first acknowledgement
    and its first non-acknowledgement response (metrics.md §3). Ties at the same
    instant are broken by code so that results never depend on row order. Whether
    an I99 ends a Non-Device request is decided in fct_service_requests.
    One scan and one aggregate with filters: reading the responses twice
    (acknowledgements, then answers) and joining the two took 1.5-1.9x as long.
    An incremental build recomputes the touched requests only (int_requests_touched_keys). #}

with responses as (
    {%- if incremental_recompute() %}
    {{ staged_partition('service_responses', 'request_id', ref('int_requests_touched_keys')) }}
    {%- else %}
    select * from {{ ref('stg_service_responses') }}
    {%- endif %}
),

final as (
    select
        request_id,
        min(response_at) filter (where response_code = 'I99') as acknowledged_at,
        min(response_at) filter (where response_code <> 'I99') as answered_at,
        {{ value_at_min('response_code', ['response_at', 'response_code']) }}
            filter (where response_code <> 'I99') as answer_code
    from responses
    group by request_id
)

select * from final
