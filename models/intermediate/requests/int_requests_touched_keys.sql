{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ source('landing', 'alerts_parquet') }}
-- depends_on: {{ source('landing', 'alerts_csv') }}

{#- Requests (row_key of request_id) whose final responses and fact row an
    incremental build recomputes: those that new request or response files touch,
    and those that the alerts of touched alert partitions report on (a failure
    alert marks its request failed). Empty in a full build. #}

{% if var('build_mode', 'full') == 'incremental' %}
select _pkey from {{ ref('stg_service_responses__touched_keys') }}
union
{{ keys_in_partitions('alerts', 'request_id', 'alert_id', ref('stg_alerts__touched_keys')) }}
{% else %}
select _pkey from {{ ref('stg_service_responses__touched_keys') }}
where false
{% endif %}
