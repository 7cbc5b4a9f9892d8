{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_service_requests__touched_checked') }}
-- depends_on: {{ ref('fct_service_requests') }}

{#- (User, device) partitions (row_key of user_id and device_key) that an
    incremental build recomputes in the models keyed by them, with the SRV of the
    touched request that puts each there (int_topup_devices_touched_keys keeps the
    top-ups): the requests whose fact row it recomputes, as they are now, and every
    version of the touched request partitions as they were
    (stg_service_requests__touched_checked holds the rows of old files too), so a
    request that left or changed its partition clears the old one. device_key is
    the device_id, or the request for a request without one (macro device_key).
    Empty in a full build. #}

{% if build_mode() == 'incremental' %}
with requests as (
    select user_id, device_id, request_id, srv
    from ({{ scattered_rows(ref('fct_service_requests'),
                            '_pkey in (select _pkey from ' ~ ref('int_requests_touched_keys') ~ ')') }})
    union all
    select user_id, device_id, request_id, srv
    from {{ ref('stg_service_requests__touched_checked') }}
)

select distinct
    {{ row_key(['user_id', 'device_key']) }} as _pkey,
    device_key,
    srv
from (select user_id, {{ device_key() }} as device_key, srv from requests) as pairs
{% else %}
select _pkey, cast(null as string) as device_key, cast(null as string) as srv
from {{ ref('int_requests_touched_keys') }}
where false
{% endif %}
