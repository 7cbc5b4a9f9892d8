{#- One row per Alert handled by the DCC, with its delivery time against the
    alert target (parameters seed: alert_trt_s, 60 s). All periods are kept.
    A view: alerts are the largest source (about three per request) and each
    consumer reads a few columns of a filtered subset, so copying them all would
    cost more than it saves (docs/decision-log.md). -#}

{{ config(materialized='view') }}

{{ alert_facts(ref('stg_alerts')) }}
