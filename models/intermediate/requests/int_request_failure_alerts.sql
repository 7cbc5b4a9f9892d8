{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_alerts__replaced_keys'), row_key(['alert_id'])) }}"
) }}
-- depends_on: {{ ref('stg_alerts__replaced_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}
-- depends_on: {{ ref('stg_alerts__exceptions') }}

{#- One row per accepted alert that names a request and whose code marks it
    failed (alert_codes seed: marks_request_failed), for fct_service_requests:
    kept apart so that recomputing a few requests does not read every alert to find
    the ones that report on them. All periods are kept. An incremental build
    recomputes the touched alert partitions only, from the rows already typed and
    checked in stg_alerts__touched_checked. #}

with alerts as (
    {{ recomputed_staged_rows('alerts') }}
),

final as (
    select alerts.alert_id, alerts.request_id
    from alerts
    inner join {{ ref('alert_codes') }} as codes on alerts.alert_code = codes.alert_code
    where codes.marks_request_failed and alerts.request_id is not null
)

select * from final
