{#- B1 and B2 figures (metrics.md §4) in the long format of metrics.csv, from
    pmr_billing: billing.pct_schedule_success, billing.pct_read_within_24h,
    billing.pct_on_demand_read_success, and beside each share the count of its
    population (billing.schedules, billing.scheduled_reads, billing.on_demand_reads;
    0 when none). Monthly, all segments together; no row for a share whose
    population is empty. -#}

with billing as (

    select * from {{ ref('pmr_billing') }}

)

{{ metric_rows('billing', {
    'billing.pct_schedule_success': 'pct_schedule_success',
    'billing.pct_read_within_24h': 'pct_read_within_24h',
    'billing.pct_on_demand_read_success': 'pct_on_demand_read_success',
    'billing.schedules': 'schedules',
    'billing.scheduled_reads': 'scheduled_reads',
    'billing.on_demand_reads': 'on_demand_reads',
}, {}, day=none) }}
