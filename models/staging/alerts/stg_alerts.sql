{{ config(materialized='view') }}

{#- The accepted rows of alerts: typed, deduplicated, conforming to the contract
    (macro staged_rows). -#}

{{ staged_rows('alerts', ref('stg_alerts__checked')) }}
