{#- IC1 (metrics.md §4): one row per segment (North, Central, South, All; the
    8.14 SRVs do not apply to SMETS1) with the deliverable 8.14.1 (Install and
    Commission: CH Status Update - Install Success) and 8.14.2 (Install and
    Leave: Install No SM WAN) requests received in the period, 0 when none.
    Transforms are never counted (8.14.x are Non-Device, so there are none). -#}

with requests as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and not is_transform
        and is_deliverable
        and srv in ('8.14.1', '8.14.2')

),

aggregated as (

    select
        coalesce(segment, 'All') as segment,
        cast(sum(case when srv = '8.14.1' then 1 else 0 end) as bigint) as install_and_commission,
        cast(sum(case when srv = '8.14.2' then 1 else 0 end) as bigint) as install_and_leave
    from requests
    group by grouping sets ((segment), ())

),

final as (

    select
        '{{ var("period") }}' as period,
        segments.segment,
        coalesce(aggregated.install_and_commission, 0) as install_and_commission,
        coalesce(aggregated.install_and_leave, 0) as install_and_leave
    from {{ segment_spine(include_smets1=false) }} as segments
    left join aggregated on segments.segment = aggregated.segment

)

select * from final
