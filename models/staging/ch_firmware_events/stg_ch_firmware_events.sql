{{ config(materialized='view') }}

{#- The accepted rows of ch_firmware_events: typed, deduplicated, conforming to the contract. -#}

with checked as (
    select * from {{ ref('stg_ch_firmware_events__checked') }}
),

exceptions as (
    select _file, _row from {{ ref('stg_ch_firmware_events__exceptions') }}
),

final as (
    select
        ch_id,
        csp_region,
        firmware_version,
        event,
        event_at,
        checked._file
    from checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
)

select * from final
