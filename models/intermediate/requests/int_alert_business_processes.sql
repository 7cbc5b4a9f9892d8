{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_alerts__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_alerts__replaced_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}
-- depends_on: {{ ref('stg_alerts__exceptions') }}

{#- Alerts of the alerts_management process (business_process_alerts seed) in
    the period, in the shape of int_request_business_processes, so that RSVP is
    computed one way for both (metrics.md §3: clock start received_at, final time
    delivered_at, TRT 60 s, never delivered = failed). Suppressed alerts are
    never sent by design and are not counted.
    An incremental build recomputes the touched alert partitions only, from the
    rows already typed and checked in stg_alerts__touched_checked, through the
    same definition as fct_alerts (macro alert_facts), from stg_alerts in a full
    build. #}

with facts as (
    {{ alert_facts('(' ~ recomputed_staged_rows('alerts') ~ ')') }}
),

alerts as (
    select * from facts
    where {{ in_period('received_at') }} and not suppressed
),

process_alerts as (
    select business_process, alert_code from {{ ref('business_process_alerts') }}
),

final as (
    select
        process_alerts.business_process,
        alerts.alert_id as request_id,
        alerts.alert_code as srv,
        alerts.segment,
        alerts.device_type,
        alerts.received_day_uk,
        false as is_rejected,
        true as is_deliverable,
        alerts.is_delivered as has_final_response,
        alerts.delivery_s as rtt_s,
        alerts.is_within_sla as is_within_trt,
        not alerts.is_delivered as is_failed,
        cast(null as bigint) as dsp_processing_ms,
        {{ row_key(['alerts.alert_id']) }} as _pkey
    from alerts
    inner join process_alerts on alerts.alert_code = process_alerts.alert_code
)

select * from final
