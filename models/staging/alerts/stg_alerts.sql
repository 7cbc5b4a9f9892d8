{{ config(materialized='view') }}

{#- The accepted rows of alerts: typed, deduplicated, conforming to the contract
    (macro alerts_staged). -#}

{{ alerts_staged(ref('stg_alerts__checked')) }}
