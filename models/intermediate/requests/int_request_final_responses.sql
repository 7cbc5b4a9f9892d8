{#- One row per request that has at least one response: its first acknowledgement
    and its first non-acknowledgement response (metrics.md §3). Ties at the same
    instant are broken by code so that results never depend on row order. Whether
    an I99 ends a Non-Device request is decided in fct_service_requests. -#}

with acknowledgements as (
    select request_id, min(response_at) as acknowledged_at
    from {{ ref('stg_service_responses') }}
    where response_code = 'I99'
    group by request_id
),

answers as (
    select
        request_id,
        min(response_at) as answered_at,
        {{ value_at_min('response_code', ['response_at', 'response_code']) }} as answer_code
    from {{ ref('stg_service_responses') }}
    where response_code <> 'I99'
    group by request_id
),

final as (
    select
        coalesce(answers.request_id, acknowledgements.request_id) as request_id,
        acknowledgements.acknowledged_at,
        answers.answered_at,
        answers.answer_code
    from answers
    full outer join acknowledgements on answers.request_id = acknowledgements.request_id
)

select * from final
