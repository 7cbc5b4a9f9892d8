{{ config(materialized='view') }}

{#- The accepted rows of service_responses: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_service_responses__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_service_responses__exceptions') }}
),

final as (
    select
        request_id,
        response_at,
        response_code,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
