{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_alerts__replaced_keys'), row_key(['alert_id'])) }}"
) }}
-- depends_on: {{ ref('stg_alerts__replaced_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}
-- depends_on: {{ ref('stg_alerts__exceptions') }}

{#- One row per accepted firmware verification alert (8F72 image verified, 8F1C
    verification failed) that names a device, all periods, suppressed or not (the
    device raised it either way): what int_firmware_deliveries matches, kept apart
    so that recomputing a few devices does not read every alert. An incremental
    build recomputes the touched alert partitions only, from the rows already typed
    and checked in stg_alerts__touched_checked. #}

with alerts as (
    {{ recomputed_staged_rows('alerts') }}
),

final as (
    select alert_id, device_id, alert_code, received_at
    from alerts
    where alert_code in ('8F72', '8F1C') and device_id is not null
)

select * from final
