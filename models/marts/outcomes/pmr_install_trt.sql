{#- IC1 measure (metrics.md §4): one row per segment (North, Central, South,
    SMETS1, All) x device_type (each type with requests, or null for all types
    together) with deliverable requests of the install_commission SRVs received
    in the period (int_request_business_processes; Transforms excluded there):
    how many missed their Target Response Time and the share, 100 - % within TRT.
    A segment or device type without deliverable requests has no row. -#}

with requests as (

    select * from {{ ref('int_request_business_processes') }}
    where business_process = 'install_commission' and is_deliverable

),

aggregated as (

    select
        coalesce(segment, 'All') as segment,
        device_type,
        count(*) as deliverable,
        cast(sum(case when is_within_trt then 0 else 1 end) as bigint) as trt_missed
    from requests
    {{ group_by_segment_and_device_type() }}

),

final as (

    select
        '{{ var("period") }}' as period,
        segment,
        device_type,
        deliverable,
        trt_missed,
        {{ percent_of('trt_missed', 'deliverable') }} as pct_trt_missed
    from aggregated
    -- the grand-total grouping set yields a row even when nothing was received
    where deliverable > 0

)

select * from final
