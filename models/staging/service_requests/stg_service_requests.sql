{{ config(materialized='view') }}

{#- The accepted rows of service_requests: typed, deduplicated, conforming to the contract
    (macro service_requests_staged). -#}

{{ service_requests_staged(ref('stg_service_requests__checked')) }}
