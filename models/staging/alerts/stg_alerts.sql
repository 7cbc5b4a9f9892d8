{{ config(materialized='view') }}

{#- The accepted rows of alerts: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_alerts__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_alerts__exceptions') }}
),

final as (
    select
        alert_id,
        alert_code,
        alert_kind,
        device_id,
        device_type,
        smets,
        case when smets = 'SMETS2' then csp_region end as csp_region,
        user_id,
        request_id,
        received_at,
        delivered_at,
        suppressed,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
