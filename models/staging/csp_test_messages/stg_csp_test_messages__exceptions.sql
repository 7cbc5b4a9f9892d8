{#- Rows of csp_test_messages that are not simply accepted: duplicates and quarantined rows. Rows have no id: only exact copies are
    duplicates. -#}

with
{{ landing_exceptions(ref('stg_csp_test_messages__checked'), 'csp_test_messages', []) }}
