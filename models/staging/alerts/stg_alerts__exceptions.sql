{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_alerts__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_alerts__replaced_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}

{#- Rows of alerts that are not simply accepted: duplicates, quarantined rows, and
    superseded versions. An alert first extracted before it was sent (delivered_at
    null) and later with its delivered_at is one alert: the unsent version is
    superseded, not a conflict (decision log). An incremental build recomputes only
    the alert_ids touched by new files; every row sharing an alert_id is in the same
    partition, so the verdicts are the same as a full build's. #}
{%- set sent_later = filled_in_later('delivered_at', ['alert_id', 'alert_code', 'alert_kind', 'device_id',
    'device_type', 'smets', 'csp_region', 'user_id', 'request_id', 'received_at', 'suppressed']) %}

with
{% if incremental_recompute() %}
{{ landing_exceptions(ref('stg_alerts__touched_checked'), 'alerts', ['alert_id'], superseded=sent_later,
                      partition_column='alert_id') }}
{% else %}
{{ landing_exceptions(ref('stg_alerts__checked'), 'alerts', ['alert_id'], superseded=sent_later,
                      partition_column='alert_id') }}
{% endif %}
