{#- Rows of alerts that are not simply accepted: duplicates and quarantined rows. -#}

with checked as (
    select * from {{ ref('stg_alerts__checked') }}
),

{{ landing_exceptions('checked', 'alerts', ['alert_id']) }}
