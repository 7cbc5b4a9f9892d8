{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_service_requests__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_service_requests__replaced_keys') }}
-- depends_on: {{ ref('stg_service_requests__touched_keys') }}
-- depends_on: {{ ref('stg_service_requests__touched_checked') }}

{#- Rows of service_requests that are not simply accepted: duplicates and quarantined rows.
    An incremental build recomputes only the request_ids touched by new files; every
    row sharing a request_id is in the same partition, so the verdicts are the same
    as a full build's. #}

with
{% if incremental_recompute() %}
{{ landing_exceptions(ref('stg_service_requests__touched_checked'), 'service_requests', ['request_id'], partition_column='request_id') }}
{% else %}
{{ landing_exceptions(ref('stg_service_requests__checked'), 'service_requests', ['request_id'], partition_column='request_id') }}
{% endif %}
