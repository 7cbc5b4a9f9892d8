{{ config(materialized='table') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}

{#- Devices (row_key of device_key) whose firmware deliveries an incremental
    build recomputes (int_firmware_deliveries): the devices of
    int_user_devices_touched_keys, and those of every row of the touched alert
    partitions, old files included (a late 8F72 verifies an older delivery).
    Empty in a full build. #}

{% if build_mode() == 'incremental' %}
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
