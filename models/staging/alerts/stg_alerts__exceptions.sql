{#- Rows of alerts that are not simply accepted: duplicates and quarantined rows. -#}

with
{{ landing_exceptions(ref('stg_alerts__checked'), 'alerts', ['alert_id']) }}
