{#- A1: alerts delivered within the 60 s target, by segment, and late alerts by
    code (metrics.md §4). Suppressed alerts are never sent and are not counted:
    int_alert_deliveries holds the period's other alerts. -#}

with alerts as (
    select * from {{ ref('int_alert_deliveries') }}
),

segments as (
    select 'North' as segment union all
    select 'Central' union all
    select 'South' union all
    select 'SMETS1' union all
    select 'All'
),

by_segment as (
    select
        coalesce(segment, 'All') as segment,
        {{ percent_of('sum(case when is_within_sla then 1 else 0 end)', 'count(*)') }} as pct_within_sla
    from alerts
    group by grouping sets ((segment), ())
),

within_sla as (
    select segments.segment, by_segment.pct_within_sla
    from segments
    left join by_segment on segments.segment = by_segment.segment
),

late_by_code as (
    select alert_code, count(*) as late
    from alerts
    where not is_within_sla
    group by alert_code
)

{{ metric_rows('within_sla', {'alerts.pct_within_sla': 'pct_within_sla'}, {'segment': 'segment'}, day=none) }}
union all
{{ metric_rows('late_by_code', {'alerts.late': 'late'}, {'category': 'alert_code'}, day=none) }}
