{{ config(materialized='table', database=scratch_database()) }}
-- depends_on: {{ ref('srv_catalogue') }}
-- depends_on: {{ ref('stg_service_requests__touched_keys') }}
-- depends_on: {{ source('landing', 'service_requests_parquet') }}
-- depends_on: {{ source('landing', 'service_requests_csv') }}

{#- Every row read of the partitions (by request_id) that new files touch, from old and
    new files alike, with its row rules applied (macros touched_rows,
    service_requests_checked): what an incremental build classifies again in
    stg_service_requests__exceptions and tests in stg_service_requests. Filtered on
    the raw key, so the month's other rows are never typed. Empty in a full build. #}

{{ touched_rows('service_requests', 'request_id') }}
