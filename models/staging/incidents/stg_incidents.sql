{{ config(materialized='view') }}

{#- The accepted rows of incidents: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_incidents__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_incidents__exceptions') }}
),

final as (
    select
        incident_id,
        category,
        raised_at,
        responded_at,
        resolved_at,
        closed_at,
        responsible_party,
        service,
        csp_region,
        title,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
