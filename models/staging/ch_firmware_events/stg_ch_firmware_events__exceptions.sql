{#- Rows of ch_firmware_events that are not simply accepted: duplicates and quarantined rows. Rows have no id: only exact copies are
    duplicates. -#}

with
{{ landing_exceptions(ref('stg_ch_firmware_events__checked'), 'ch_firmware_events', []) }}
