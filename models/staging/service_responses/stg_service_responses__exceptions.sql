{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_service_responses__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_service_responses__replaced_keys') }}
-- depends_on: {{ ref('stg_service_responses__touched_keys') }}
-- depends_on: {{ ref('stg_service_responses__touched_checked') }}
-- depends_on: {{ ref('stg_service_requests__touched_checked') }}
-- depends_on: {{ ref('stg_service_requests__exceptions') }}
-- depends_on: {{ ref('int_requests_stored_rows') }}
-- depends_on: {{ ref('srv_catalogue') }}

{#- Rows of service_responses that are not simply accepted (duplicates,
    quarantined). Responses have no id: only exact copies are duplicates. A
    response before its request's receipt is quarantined. An incremental build
    recomputes only the request_ids touched by new response or request files:
    copies share a request_id, and so do a response and its request. Their
    requests are at hand: those of touched request partitions checked again in
    stg_service_requests__touched_checked, the others unchanged in
    int_requests_stored_rows (as the request fact stored them), so the request
    files are not read again. #}

with
{% if incremental_recompute() %}
checked as (
    select * from {{ ref('stg_service_responses__touched_checked') }}
),

requests as (
    select request_id as requested_id, received_at as request_received_at
    from ({{ staged_rows('service_requests', ref('stg_service_requests__touched_checked'),
                         ref('stg_service_requests__exceptions')) }})
    union all
    select request_id, received_at from {{ ref('int_requests_stored_rows') }}
),
{% else %}
checked as (
    select * from {{ ref('stg_service_responses__checked') }}
),

requests as (
    select request_id as requested_id, received_at as request_received_at
    from {{ ref('stg_service_requests') }}
),
{% endif %}

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
    from checked
    left join requests on checked.request_id = requests.requested_id
),

{{ landing_exceptions('with_requests', 'service_responses', [], keys_from=('checked' if incremental_recompute() else ref('stg_service_responses__checked')), partition_column='request_id') }}
