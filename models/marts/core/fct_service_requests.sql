{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('int_requests_replaced_keys')) }}"
) }}
-- depends_on: {{ ref('int_requests_replaced_keys') }}
-- depends_on: {{ ref('int_requests_touched_keys') }}
-- depends_on: {{ ref('stg_service_requests__touched_checked') }}
-- depends_on: {{ ref('stg_service_requests__exceptions') }}
-- depends_on: {{ ref('int_requests_stored_rows') }}

{#- One row per Service Request: the single definition of final response, RTT,
    rejected / deliverable / failed / success / within-TRT used by every metric.
    All periods are kept; metric models select their period. An incremental
    build recomputes the requests in int_requests_touched_keys only: a request's
    row depends on its request row, its responses and the alerts that report on it.
    Their request rows come from stg_service_requests__touched_checked (the touched
    request partitions, checked again) and int_requests_stored_rows (requests touched
    only by responses or alerts, as this table stored them), never from every
    request file again (3.2 s of this model at scale 0.1 before).
    _pkey (row_key of request_id) is stored so that this delete, the models that
    recompute touched requests and the tests need not hash 51 M ids again at
    scale 0.1 (1.6 s each; 0.4 s reading the stored key). #}

{%- set touched = ref('int_requests_touched_keys') %}

with requests as (
    {%- if incremental_recompute() %}
    select
        request_id, received_at, user_id, user_role, srv, command_variant, device_id, device_type,
        smets, csp_region, execution_at, dsp_processing_ms
    from (
        {{ staged_rows('service_requests', ref('stg_service_requests__touched_checked'),
                       ref('stg_service_requests__exceptions')) }}
    )
    union all
    select
        request_id, received_at, user_id, user_role, srv, command_variant, device_id, device_type,
        smets, csp_region, execution_at, dsp_processing_ms
    from {{ ref('int_requests_stored_rows') }}
    {%- else %}
    select * from {{ ref('stg_service_requests') }}
    {%- endif %}
),

responses as (
    {{ rows_in_touched_partitions(ref('int_request_final_responses'), 'true', '_pkey', touched) }}
),


srv_catalogue as (
    select srv, is_non_device, is_critical, trt_s, smets1_trt_s from {{ ref('srv_catalogue') }}
),

response_codes as (
    select response_code, class from {{ ref('response_codes') }}
),

failure_alerts as (
    select distinct request_id from {{ ref('int_request_failure_alerts') }}
),

joined as (
    select
        requests.*,
        srv_catalogue.is_non_device,
        srv_catalogue.is_critical,
        -- the seed's SR11.3 note: a SMETS1 device has its own target for some SRVs
        case
            when requests.smets = 'SMETS1' and srv_catalogue.smets1_trt_s is not null
                then srv_catalogue.smets1_trt_s
            else srv_catalogue.trt_s
        end as trt_s,
        responses.acknowledged_at,
        -- a Non-Device request that only got an I99 ends with that I99
        case
            when responses.answered_at is not null then responses.answered_at
            when srv_catalogue.is_non_device then responses.acknowledged_at
        end as final_response_at,
        case
            when responses.answered_at is not null then responses.answer_code
            when srv_catalogue.is_non_device and responses.acknowledged_at is not null then 'I99'
        end as final_response_code,
        failure_alerts.request_id is not null as has_failure_alert
    from requests
    -- an SRV outside the catalogue has no flags or TRT: it is in no business process
    left join srv_catalogue on requests.srv = srv_catalogue.srv
    left join responses on requests.request_id = responses.request_id
    left join failure_alerts on requests.request_id = failure_alerts.request_id
),

classified as (
    select
        joined.*,
        case
            when final_response_code is null then null
            when response_codes.class is not null then response_codes.class
            -- metrics.md §2: any E-code not listed is a boundary rejection
            when final_response_code like 'E%' then 'rejected'
        end as final_response_class,
        coalesce(execution_at, received_at) as clock_start_at
    from joined
    left join response_codes on joined.final_response_code = response_codes.response_code
),

final as (
    select
        request_id,
        received_at,
        {{ uk_date('received_at') }} as received_day_uk,
        user_id,
        user_role,
        srv,
        command_variant,
        command_variant = 4 as is_transform,
        is_critical,
        is_non_device,
        device_id,
        device_type,
        smets,
        csp_region,
        {{ segment_of('smets', 'csp_region') }} as segment,
        execution_at,
        clock_start_at,
        dsp_processing_ms,
        trt_s,
        acknowledged_at,
        final_response_at,
        final_response_code,
        final_response_class,
        final_response_at is not null as has_final_response,
        -- a response before the clock start (e.g. a Future-Dated request answered
        -- before its execution time) took no time against the target
        case
            when final_response_at is not null
                then greatest({{ seconds_between('clock_start_at', 'final_response_at') }}, 0)
        end as rtt_s,
        coalesce(final_response_class = 'rejected', false) as is_rejected,
        not coalesce(final_response_class = 'rejected', false) as is_deliverable,
        has_failure_alert,
        not coalesce(final_response_class = 'rejected', false)
        and (
            final_response_at is null
            or final_response_class in ('comms_failure', 'timeout')
            or has_failure_alert
        ) as is_failed,
        coalesce(final_response_class in ('success', 'acknowledgement'), false)
        and not has_failure_alert as is_success,
        case when trt_s is not null then coalesce(
            final_response_class <> 'rejected'
            and {{ seconds_between('clock_start_at', 'final_response_at') }} <= trt_s,
            false
        ) end as is_within_trt,
        {{ row_key(['request_id']) }} as _pkey
    from classified
)

select * from final
