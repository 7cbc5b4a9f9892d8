{#- Figures of Requirement 5, CPM5 (metrics.md §7), for the period, by
    incident category '3', '4', '5' (DCC as Responsible Party): counts closed,
    raised and closed meeting each target (0 when none); shares meeting the response and resolution
    targets and mean / exact median resolution hours, with no row for a
    category with nothing to measure (metrics.md §8). pmr_cpm5 holds the
    period var('period') only (its closures and raisings are filtered with
    period_start_utc() / period_end_utc()). -#}

with cpm5 as (

    select * from {{ ref('pmr_cpm5') }}
    where period = '{{ var("period") }}'

),

figures as (

    select 'cpm5.closed' as metric_id, category_label, cast(closed as double) as value from cpm5
    union all
    select 'cpm5.raised', category_label, cast(raised as double) from cpm5
    union all
    select 'cpm5.response_met', category_label, cast(response_met as double) from cpm5
    union all
    select 'cpm5.resolution_met', category_label, cast(resolution_met as double) from cpm5
    union all
    select 'cpm5.pct_response_met', category_label, pct_response_met from cpm5 where closed > 0
    union all
    select 'cpm5.pct_resolution_met', category_label, pct_resolution_met from cpm5 where closed > 0
    union all
    select 'cpm5.mean_resolution_h', category_label, mean_resolution_h from cpm5 where with_resolution_time > 0
    union all
    select 'cpm5.median_resolution_h', category_label, median_resolution_h from cpm5 where with_resolution_time > 0

),

final as (

    select
        metric_id,
        '{{ var("period") }}' as period,
        cast(null as date) as day,
        cast(null as {{ dbt.type_string() }}) as business_process,
        cast(null as {{ dbt.type_string() }}) as segment,
        cast(null as {{ dbt.type_string() }}) as device_type,
        cast(null as {{ dbt.type_string() }}) as service,
        cast(null as {{ dbt.type_string() }}) as time_band,
        category_label as category,
        cast(value as double) as value
    from figures

)

select * from final
