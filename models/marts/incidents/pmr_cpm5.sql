{#- One row per incident category 3, 4 and 5 (CPM5, metrics.md §7) for the
    reporting period var('period'): incidents with the DCC as Responsible
    Party closed in the period (closure_at = closed_at, else resolved_at) and
    the share that met their response and resolution targets; the count
    raised in the period (same filter, by raised_at); mean and exact median
    resolution time in hours over the closed incidents that have a
    resolved_at. Categories with no incident have counts 0 and NULL figures. -#}

with incidents as (

    select * from {{ ref('fct_incidents') }}
    where is_cpm5

),

categories as (

    select category from {{ ref('incident_targets') }}
    where category between 3 and 5

),

closed as (

    select * from incidents
    where closure_at >= {{ period_start_utc() }}
        and closure_at < {{ period_end_utc() }}

),

closed_figures as (

    select
        category,
        count(*) as closed,
        sum(case when response_met then 1 else 0 end) as response_met,
        sum(case when resolution_met then 1 else 0 end) as resolution_met,
        count(resolution_h) as with_resolution_time,
        -- summed in whole microseconds (decision log: means and sums are exact)
        {{ mean_exact('resolution_h * 3600') }} / 3600.0 as mean_resolution_h
    from closed
    group by category

),

-- the median on its own, over one table and no join (see docs/decision-log.md)
closed_medians as (

    select
        category,
        {{ median_exact('resolution_h') }} as median_resolution_h
    from closed
    where resolution_h is not null
    group by category

),

raised_figures as (

    select
        category,
        count(*) as raised
    from incidents
    where raised_at >= {{ period_start_utc() }}
        and raised_at < {{ period_end_utc() }}
    group by category

),

final as (

    select
        '{{ var("period") }}' as period,
        categories.category,
        cast(categories.category as {{ dbt.type_string() }}) as category_label,
        cast(coalesce(closed_figures.closed, 0) as integer) as closed,
        cast(coalesce(raised_figures.raised, 0) as integer) as raised,
        cast(coalesce(closed_figures.response_met, 0) as integer) as response_met,
        cast(coalesce(closed_figures.resolution_met, 0) as integer) as resolution_met,
        cast(coalesce(closed_figures.with_resolution_time, 0) as integer) as with_resolution_time,
        {{ percent_of('closed_figures.response_met', 'nullif(closed_figures.closed, 0)') }} as pct_response_met,
        {{ percent_of('closed_figures.resolution_met', 'nullif(closed_figures.closed, 0)') }} as pct_resolution_met,
        closed_figures.mean_resolution_h,
        closed_medians.median_resolution_h
    from categories
    left join closed_figures on categories.category = closed_figures.category
    left join closed_medians on categories.category = closed_medians.category
    left join raised_figures on categories.category = raised_figures.category

)

select * from final
