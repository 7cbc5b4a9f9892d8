{{ config(materialized='table') }}

{#- Partitions (by request_id) that rows of files new since the last build touch:
    new responses, and new requests (a response's verdict depends on its request). -#}

{{ touched_keys('service_responses', 'request_id') }}
union
select _pkey from {{ ref('stg_service_requests__touched_keys') }}
