{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}

{#- Requests (row_key of request_id) whose final responses and fact row an
    incremental build recomputes: those that new request or response files touch,
    and those that the alerts of touched alert partitions report on (a failure
    alert marks its request failed). Empty in a full build. #}

{% if build_mode() == 'incremental' %}
select _pkey from {{ ref('stg_service_responses__touched_keys') }}
union
select distinct {{ row_key(['request_id']) }} as _pkey
from {{ ref('stg_alerts__touched_checked') }}
where request_id is not null
{% else %}
select _pkey from {{ ref('stg_service_responses__touched_keys') }}
where false
{% endif %}
