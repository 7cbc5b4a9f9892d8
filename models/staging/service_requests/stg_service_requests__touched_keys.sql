{{ config(materialized='table') }}

{#- Partitions (by request_id) that rows of files new since the last build touch:
    an incremental build recomputes the verdict of every row in them. -#}

{{ touched_keys('service_requests', 'request_id') }}
