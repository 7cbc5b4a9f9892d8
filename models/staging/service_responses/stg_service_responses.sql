{{ config(materialized='view') }}

{#- The accepted rows of service_responses: typed, deduplicated, conforming to the contract
    (macro staged_rows). -#}

{{ staged_rows('service_responses', ref('stg_service_responses__checked')) }}
