{{ config(materialized='view') }}

{#- The accepted rows of service_requests: typed, deduplicated, conforming to the contract
    (macro staged_rows). -#}

{{ staged_rows('service_requests', ref('stg_service_requests__checked')) }}
