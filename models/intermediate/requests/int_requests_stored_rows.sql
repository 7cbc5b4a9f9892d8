{{ config(materialized='table', database=scratch_database()) }}
-- depends_on: {{ ref('int_requests_touched_keys') }}
-- depends_on: {{ ref('stg_service_requests__touched_keys') }}

{#- The request rows of the touched requests whose request partition no new file
    touches (requests touched only by new responses or alerts), as the request fact
    stored them in an earlier build: their request row and its verdict cannot have
    changed, so fct_service_requests recomputes them from these rows, and
    stg_service_responses__exceptions compares their responses with them, instead
    of finding them again among every request of the landing files (at scale 0.1 a
    scan of 51 M request ids for about 45,000 requests, 3 CPU-s; the stored rows are
    found by their _pkey, macro scattered_rows). Read before the
    fact's pre-hook deletes them; the fact is named, not ref'd, because it is built
    after this model. Empty in a full build. #}

{%- set fact = model_relation('fct_service_requests') if execute else none %}

{% if build_mode() == 'incremental' %}
select
    request_id, received_at, user_id, user_role, srv, command_variant, device_id, device_type,
    smets, csp_region, execution_at, dsp_processing_ms
from ({{ scattered_rows(fact, "_pkey in (
    select _pkey from " ~ ref('int_requests_touched_keys') ~ "
    where _pkey not in (select _pkey from " ~ ref('stg_service_requests__touched_keys') ~ "))") }})
{% else %}
select
    request_id, received_at, user_id, user_role, srv, command_variant, device_id, device_type,
    smets, csp_region, execution_at, dsp_processing_ms
from {{ ref('stg_service_requests') }}
where false
{% endif %}
