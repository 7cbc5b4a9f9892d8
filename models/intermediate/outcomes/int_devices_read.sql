{{ config(materialized='view') }}

{#- PP1 estate health per device (metrics.md §4; pmr_non_communicating counts
    them): one row per segment and device with at least one deliverable 4.6.1
    (Retrieve Import Daily Read Log) request received in the reporting period,
    Transforms excluded, with its reads, its successful reads and whether it
    is non-communicating (no successful read). A device is its device_id:
    requests without one are left out. A view: the rows are those of
    fct_service_requests, grouped when read. -#}

with reads as (

    select segment, device_id, device_type, received_at, is_success
    from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '4.6.1'
        and not is_transform
        and is_deliverable
        and device_id is not null

),

final as (

    select
        segment,
        device_id,
        max(device_type) as device_type,
        count(*) as reads,
        cast(sum(case when is_success then 1 else 0 end) as bigint) as successful_reads,
        max(case when is_success then received_at end) as last_successful_read_received_at,
        max(case when is_success then 1 else 0 end) = 0 as is_non_communicating
    from reads
    group by segment, device_id

)

select * from final
