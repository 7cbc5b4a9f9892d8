{#- Rows of ch_firmware_events that are not simply accepted: duplicates and quarantined rows. Rows have no id: only exact copies are
    duplicates. -#}

with checked as (
    select * from {{ ref('stg_ch_firmware_events__checked') }}
),

{{ landing_exceptions('checked', 'ch_firmware_events', []) }}
