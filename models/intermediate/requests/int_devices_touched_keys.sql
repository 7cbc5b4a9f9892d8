{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}

{#- Device partitions (row_key of device_key) that an incremental build
    recomputes in the models keyed by device alone (firmware deliveries and their
    verification alerts): the devices of int_user_devices_touched_keys, and those
    of every row of the touched alert partitions, old files included. Empty in a
    full build. #}

{% if var('build_mode', 'full') == 'incremental' %}
with devices as (
    select device_key from {{ ref('int_user_devices_touched_keys') }}
    union all
    select device_id from {{ ref('stg_alerts__touched_checked') }}
    where device_id is not null
)

select distinct {{ row_key(['device_key']) }} as _pkey
from devices
{% else %}
select _pkey from {{ ref('int_user_devices_touched_keys') }}
where false
{% endif %}
