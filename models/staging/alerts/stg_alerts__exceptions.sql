{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_alerts__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_alerts__replaced_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}

{#- Rows of alerts that are not simply accepted: duplicates and quarantined rows.
    An incremental build recomputes only the alert_ids touched by new files; every
    row sharing an alert_id is in the same partition, so the verdicts are the same
    as a full build's. #}

with
{% if incremental_recompute() %}
{{ landing_exceptions(ref('stg_alerts__touched_checked'), 'alerts', ['alert_id'], partition_column='alert_id') }}
{% else %}
{{ landing_exceptions(ref('stg_alerts__checked'), 'alerts', ['alert_id'], partition_column='alert_id') }}
{% endif %}
