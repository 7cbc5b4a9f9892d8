{#- IC1 installs (metrics.md §4): one row per UK day of the period, plus one for
    the whole month (day null), x segment (North, Central, South, SMETS1, All)
    x device_type (CHF, ESME, GSME, or null for all types together) x category
    (success, failed): the count of deliverable install requests (int_installs),
    0 when there were none. SMETS1 has no CHF rows (8.14.1 does not apply to
    SMETS1). `failed` is every deliverable install that did not succeed. -#}

with installs as (

    select * from {{ ref('int_installs') }}
    where is_in_period

),

days as (

    select day from {{ period_days() }}
    union all
    select cast(null as date) as day

),

device_types as (

    select 'CHF' as device_type
    union all select 'ESME'
    union all select 'GSME'
    union all select cast(null as {{ dbt.type_string() }})

),

categories as (

    select 'success' as category
    union all select 'failed'

),

spine as (

    select days.day, segments.segment, device_types.device_type, categories.category
    from days
    cross join {{ segment_spine() }} as segments
    cross join device_types
    cross join categories
    where not (segments.segment = 'SMETS1' and coalesce(device_types.device_type = 'CHF', false))

),

counted as (

    select
        received_day_uk as day,
        coalesce(segment, 'All') as segment,
        install_device_type as device_type,
        case when is_success then 'success' else 'failed' end as category,
        grouping(received_day_uk) as is_month,
        grouping(install_device_type) as is_all_types,
        count(*) as installs
    from installs
    group by grouping sets (
        (received_day_uk, segment, install_device_type, is_success),
        (received_day_uk, install_device_type, is_success),
        (received_day_uk, segment, is_success),
        (received_day_uk, is_success),
        (segment, install_device_type, is_success),
        (install_device_type, is_success),
        (segment, is_success),
        (is_success)
    )

),

final as (

    select
        '{{ var("period") }}' as period,
        spine.day,
        spine.segment,
        spine.device_type,
        spine.category,
        coalesce(counted.installs, 0) as installs
    from spine
    left join counted
        on spine.segment = counted.segment
        and spine.category = counted.category
        and (spine.day = counted.day or (spine.day is null and counted.is_month = 1))
        and (spine.device_type = counted.device_type or (spine.device_type is null and counted.is_all_types = 1))

)

select * from final
