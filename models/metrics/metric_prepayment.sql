{#- PP1 figures (metrics.md §4) in the long format of metrics.csv, monthly:
    - pp.pct_success (segment, device_type), its population pp.requests (the
      deliverable 2.2 requests it is over; every segment x all types and each
      device type with requests in the month, 0 when none), and pp.successes /
      pp.failures (segment; 0 when none) from pmr_prepayment;
    - pp.attempts (category 1, 2, 3+, never: share of the period's chains) and
      its population pp.chains (0 when none) from pmr_topup_attempts;
    - pp.failure_reasons (category = final code or `none`) from
      pmr_topup_failure_reasons;
    - pp.pct_non_communicating (segment) and its population pp.devices_read
      from pmr_non_communicating. -#}

with prepayment as (

    select * from {{ ref('pmr_prepayment') }}

),

populations as (

    select * from {{ segment_and_type_counts('prepayment', 'deliverable') }}

),

segment_counts as (

    select * from prepayment where device_type is null

),

attempts as (

    select * from {{ ref('pmr_topup_attempts') }}

),

chains as (

    select coalesce(max(all_chains), 0) as chains from attempts

),

failure_reasons as (

    select * from {{ ref('pmr_topup_failure_reasons') }}

),

estate as (

    select * from {{ ref('pmr_non_communicating') }}

)

{{ metric_rows('prepayment', {'pp.pct_success': 'pct_success'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none) }}
union all
{{ metric_rows('populations', {'pp.requests': 'deliverable'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none, keep_empty=['pp.requests']) }}
union all
{{ metric_rows('segment_counts', {'pp.successes': 'successes', 'pp.failures': 'failures'},
               {'segment': 'segment'}, day=none, keep_empty=['pp.successes', 'pp.failures']) }}
union all
{{ metric_rows('attempts', {'pp.attempts': 'pct_chains'}, {'category': 'category'}, day=none) }}
union all
{{ metric_rows('chains', {'pp.chains': 'chains'}, {}, day=none, keep_empty=['pp.chains']) }}
union all
{{ metric_rows('failure_reasons', {'pp.failure_reasons': 'failures'}, {'category': 'category'}, day=none) }}
union all
{{ metric_rows('estate', {'pp.pct_non_communicating': 'pct_non_communicating', 'pp.devices_read': 'devices_read'},
               {'segment': 'segment'}, day=none) }}
