{#- PP1 (metrics.md §4): one row per segment (North, Central, South, SMETS1,
    All) with device_type null (all types together; always present, counts 0
    when there were no requests), plus one row per segment x device type with
    deliverable 2.2 (Top Up Device) requests received in the period (Transforms
    excluded): deliverable, successes, failures (deliverable and not
    successful) and the success share (null without requests). -#}

with topups as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '2.2'
        and not is_transform
        and is_deliverable

),

aggregated as (

    select
        coalesce(segment, 'All') as segment,
        device_type,
        grouping(device_type) as is_all_types,
        count(*) as deliverable,
        cast(sum(case when is_success then 1 else 0 end) as bigint) as successes
    from topups
    {{ group_by_segment_and_device_type() }}

),

all_types as (

    select
        segments.segment,
        cast(null as {{ dbt.type_string() }}) as device_type,
        coalesce(aggregated.deliverable, 0) as deliverable,
        coalesce(aggregated.successes, 0) as successes
    from {{ segment_spine() }} as segments
    left join aggregated
        on segments.segment = aggregated.segment
        and aggregated.is_all_types = 1

),

by_type as (

    select segment, device_type, deliverable, successes
    from aggregated
    where is_all_types = 0

),

final as (

    select
        '{{ var("period") }}' as period,
        segment,
        device_type,
        deliverable,
        successes,
        deliverable - successes as failures,
        {{ percent_of('successes', 'nullif(deliverable, 0)') }} as pct_success
    from (
        select * from all_types
        union all
        select * from by_type
    ) as rows_of_both_kinds

)

select * from final
