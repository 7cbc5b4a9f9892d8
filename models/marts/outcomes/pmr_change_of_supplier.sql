{#- CoS1 measure (metrics.md §4): one row per segment (North, Central, South,
    SMETS1, All) x device_type (each type with requests, or null for all types
    together) with deliverable 6.23 requests received in the period
    (int_cos_requests): how many succeeded outright, how many were corrected
    by a later successful request of the same User to the same device within
    7 x 24 h, and the share counted as success. No row without requests. -#}

with cos as (

    select * from {{ ref('int_cos_requests') }}

),

aggregated as (

    select
        coalesce(segment, 'All') as segment,
        device_type,
        count(*) as deliverable,
        cast(sum(case when is_success then 1 else 0 end) as bigint) as succeeded,
        cast(sum(case when is_corrected then 1 else 0 end) as bigint) as corrected,
        cast(sum(case when counts_as_success then 1 else 0 end) as bigint) as counted_success
    from cos
    {{ group_by_segment_and_device_type() }}

),

final as (

    select
        '{{ var("period") }}' as period,
        segment,
        device_type,
        deliverable,
        succeeded,
        corrected,
        counted_success,
        {{ percent_of('counted_success', 'deliverable') }} as pct_success
    from aggregated

)

select * from final
