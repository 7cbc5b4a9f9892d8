{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_service_responses__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_service_responses__replaced_keys') }}
-- depends_on: {{ ref('stg_service_responses__touched_keys') }}
-- depends_on: {{ ref('stg_service_responses__touched_checked') }}
-- depends_on: {{ source('landing', 'service_requests_parquet') }}
-- depends_on: {{ source('landing', 'service_requests_csv') }}
-- depends_on: {{ ref('stg_service_requests__exceptions') }}
-- depends_on: {{ ref('srv_catalogue') }}

{#- Rows of service_responses that are not simply accepted (duplicates,
    quarantined). Responses have no id: only exact copies are duplicates. A
    response before its request's receipt is quarantined. An incremental build
    recomputes only the request_ids touched by new response or request files:
    copies share a request_id, and so do a response and its request. #}

with
{% if incremental_recompute() %}
checked as (
    select * from {{ ref('stg_service_responses__touched_checked') }}
),

requests as (
    select request_id as requested_id, received_at as request_received_at
    from ({{ staged_partition('service_requests', 'request_id', ref('stg_service_responses__touched_keys')) }})
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
