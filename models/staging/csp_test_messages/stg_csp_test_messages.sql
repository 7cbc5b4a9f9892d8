{{ config(materialized='view') }}

{#- The accepted rows of csp_test_messages: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_csp_test_messages__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_csp_test_messages__exceptions') }}
),

final as (
    select
        csp_region,
        sent_at,
        rtt_ms,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
