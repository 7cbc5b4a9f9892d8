{{ config(materialized='view') }}

{#- The accepted rows of service_requests: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_service_requests__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_service_requests__exceptions') }}
),

final as (
    select
        request_id,
        received_at,
        user_id,
        user_role,
        srv,
        command_variant,
        device_id,
        device_type,
        smets,
        case when smets = 'SMETS2' then csp_region end as csp_region,
        execution_at,
        dsp_processing_ms,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
