{{ config(materialized='view') }}

{#- The accepted rows of outages: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_outages__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_outages__exceptions') }}
),

final as (
    select
        outage_id,
        component,
        started_at,
        ended_at,
        planned,
        csp_region,
        description,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
