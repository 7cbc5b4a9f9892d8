{{ config(materialized='view') }}

{#- The accepted rows of service_responses: typed, deduplicated, conforming to the contract
    (macro service_responses_staged). -#}

{{ service_responses_staged(ref('stg_service_responses__checked')) }}
