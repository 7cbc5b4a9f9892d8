{#- PP1 estate health (metrics.md §4): one row per segment (North, Central,
    South, SMETS1, All) with devices read in the period: devices with at least
    one deliverable 4.6.1 (Retrieve Import Daily Read Log) request received in
    the period, those with no successful one among them (non-communicating),
    and the share, counted from int_devices_read (one row per segment and
    device). A device is its device_id (requests without one are left out); in
    All a device counts once. No row for a segment without reads. -#}

with devices as (

    select
        segment,
        device_id,
        case when is_non_communicating then 0 else 1 end as read_successfully
    from {{ ref('int_devices_read') }}

),

-- a device is in one segment; should it appear in two, All still counts it once
devices_nationally as (

    select device_id, max(read_successfully) as read_successfully
    from devices
    group by device_id

),

by_segment as (

    select
        segment,
        count(*) as devices_read,
        cast(sum(1 - read_successfully) as bigint) as non_communicating
    from devices
    group by segment

    union all

    select
        'All' as segment,
        count(*) as devices_read,
        cast(sum(1 - read_successfully) as bigint) as non_communicating
    from devices_nationally
    having count(*) > 0

),

final as (

    select
        '{{ var("period") }}' as period,
        segment,
        devices_read,
        non_communicating,
        {{ percent_of('non_communicating', 'devices_read') }} as pct_non_communicating
    from by_segment

)

select * from final
