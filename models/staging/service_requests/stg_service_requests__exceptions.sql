{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_service_requests__touched_keys')) }}"
) }}
-- depends_on: {{ ref('stg_service_requests__touched_keys') }}
-- depends_on: {{ source('landing', 'service_requests_parquet') }}
-- depends_on: {{ source('landing', 'service_requests_csv') }}
-- depends_on: {{ ref('srv_catalogue') }}

{#- Rows of service_requests that are not simply accepted: duplicates and quarantined rows.
    An incremental build recomputes only the request_ids touched by new files; every
    row sharing a request_id is in the same partition, so the verdicts are the same
    as a full build's. #}

with
{% if incremental_recompute() %}
rows_read as (
    {{ service_requests_checked(landing_rows('service_requests', partition={'column': 'request_id', 'keys': ref('stg_service_requests__touched_keys')})) }}
),

{{ landing_exceptions('rows_read', 'service_requests', ['request_id'], partition_column='request_id') }}
{% else %}
{{ landing_exceptions(ref('stg_service_requests__checked'), 'service_requests', ['request_id'], partition_column='request_id') }}
{% endif %}
