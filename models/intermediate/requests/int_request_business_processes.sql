{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('int_requests_replaced_keys')) }}"
) }}
-- depends_on: {{ ref('int_requests_replaced_keys') }}

{#- One row per (request received in the period, business process whose SRV
    list holds its SRV). A request counts in every such process (metrics.md §2:
    SR1.1.1 is reported alike in each). Transforms (command variant 4) are not
    counted anywhere.
    An incremental build recomputes the touched requests only (int_requests_touched_keys). #}

with requests as (
    {{ rows_in_touched_partitions(ref('fct_service_requests'),
                                  in_period('received_at') ~ ' and not is_transform',
                                  '_pkey', ref('int_requests_touched_keys')) }}
),

process_srvs as (
    select business_process, srv, device_type as restricted_to_device_type
    from {{ ref('business_process_srvs') }}
),

final as (
    select
        process_srvs.business_process,
        requests.request_id,
        requests.srv,
        requests.segment,
        requests.device_type,
        requests.received_day_uk,
        requests.is_rejected,
        requests.is_deliverable,
        requests.has_final_response,
        requests.rtt_s,
        requests.is_within_trt,
        requests.is_failed,
        requests.dsp_processing_ms,
        requests._pkey
    from requests
    inner join process_srvs
        on requests.srv = process_srvs.srv
        and (
            process_srvs.restricted_to_device_type is null
            or requests.device_type = process_srvs.restricted_to_device_type
        )
)

select * from final
