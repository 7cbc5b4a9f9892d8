{#- Rows of csp_test_messages that are not simply accepted: duplicates and quarantined rows. Rows have no id: only exact copies are
    duplicates. -#}

with checked as (
    select * from {{ ref('stg_csp_test_messages__checked') }}
),

{{ landing_exceptions('checked', 'csp_test_messages', []) }}
