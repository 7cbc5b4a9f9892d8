{{ config(materialized='table') }}
-- depends_on: {{ ref('int_requests_touched_keys') }}
-- depends_on: {{ ref('stg_service_requests__touched_keys') }}
-- depends_on: {{ ref('stg_service_requests__replaced_keys') }}

{#- The requests of int_requests_touched_keys that an earlier build can have
    stored, which an incremental build deletes from the request fact and the
    business processes before recomputing them: every touched request except
    those whose request partition holds rows of new files only (a request first
    seen in this build). Empty in a full build. #}

{% if build_mode() == 'incremental' %}
select _pkey from {{ ref('int_requests_touched_keys') }}
where _pkey not in (select _pkey from {{ ref('stg_service_requests__touched_keys') }})
union
select _pkey from {{ ref('stg_service_requests__replaced_keys') }}
{% else %}
select _pkey from {{ ref('int_requests_touched_keys') }}
where false
{% endif %}
