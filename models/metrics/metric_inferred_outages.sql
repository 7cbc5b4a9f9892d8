{#- availability.inferred_outages for the period: the count of inferred
    outages (pmr_inferred_outages spells that start in the period) per
    segment North, Central, South, SMETS1 and All (spells found in the total
    traffic, not the sum of the segments' spells), 0 when none. -#}

with spells as (

    select * from {{ ref('pmr_inferred_outages') }}
    where spell_start_utc >= {{ period_start_utc() }}
        and spell_start_utc < {{ period_end_utc() }}

),

segments as (

    select 'North' as segment
    union all select 'Central'
    union all select 'South'
    union all select 'SMETS1'
    union all select 'All'

),

counts as (

    select
        segments.segment,
        count(spells.spell_start_utc) as spells
    from segments
    left join spells on segments.segment = spells.segment
    group by segments.segment

),

final as (

    select
        'availability.inferred_outages' as metric_id,
        '{{ var("period") }}' as period,
        cast(null as date) as day,
        cast(null as {{ dbt.type_string() }}) as business_process,
        segment,
        cast(null as {{ dbt.type_string() }}) as device_type,
        cast(null as {{ dbt.type_string() }}) as service,
        cast(null as {{ dbt.type_string() }}) as time_band,
        cast(null as {{ dbt.type_string() }}) as category,
        cast(spells as double) as value
    from counts

)

select * from final
