{#- A1: alerts delivered within the 60 s target, by segment, and late alerts by
    code (metrics.md §4), over the period's alerts that were not suppressed
    (suppressed alerts are never sent); beside them, by segment, how many alerts
    that is and how many were suppressed. -#}

with period_alerts as (
    select * from {{ ref('int_alert_deliveries') }}
),

alerts as (
    select * from period_alerts
    where not suppressed
),

by_segment as (
    select
        case when grouping(segment) = 1 then 'All' else segment end as segment,
        {{ percent_of('sum(case when is_within_sla then 1 else 0 end)', 'count(*)') }} as pct_within_sla
    from alerts
    group by grouping sets ((segment), ())
),

counts_by_segment as (
    select
        case when grouping(segment) = 1 then 'All' else segment end as segment,
        cast(sum(case when suppressed then 0 else 1 end) as bigint) as counted,
        cast(sum(case when suppressed then 1 else 0 end) as bigint) as suppressed
    from period_alerts
    group by grouping sets ((segment), ())
),

per_segment as (
    select
        segments.segment,
        by_segment.pct_within_sla,
        coalesce(counts_by_segment.counted, 0) as counted,
        coalesce(counts_by_segment.suppressed, 0) as suppressed
    from {{ segment_spine() }} as segments
    left join by_segment on segments.segment = by_segment.segment
    left join counts_by_segment on segments.segment = counts_by_segment.segment
),

late_by_code as (
    select alert_code, count(*) as late
    from alerts
    where not is_within_sla
    group by alert_code
)

{{ metric_rows('per_segment', {'alerts.pct_within_sla': 'pct_within_sla', 'alerts.counted': 'counted',
                               'alerts.suppressed': 'suppressed'}, {'segment': 'segment'}, day=none) }}
union all
{{ metric_rows('late_by_code', {'alerts.late': 'late'}, {'category': 'alert_code'}, day=none) }}
