{#- CoS1 figures (metrics.md §4) in the long format of metrics.csv:
    cos.pct_success (segment, device_type) from pmr_change_of_supplier, its
    population cos.requests (the deliverable 6.23 requests it is over; every segment
    x all types and each device type with requests in the month, 0 when none), and
    cos.failures (category = final response code or `none`, all segments) from
    pmr_change_of_supplier_failures. Monthly only. -#}

with cos as (

    select * from {{ ref('pmr_change_of_supplier') }}

),

populations as (

    select * from {{ segment_and_type_counts('cos', 'deliverable') }}

),

failures as (

    select * from {{ ref('pmr_change_of_supplier_failures') }}

)

{{ metric_rows('cos', {'cos.pct_success': 'pct_success'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none) }}
union all
{{ metric_rows('populations', {'cos.requests': 'deliverable'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none, keep_empty=['cos.requests']) }}
union all
{{ metric_rows('failures', {'cos.failures': 'failures'}, {'category': 'category'}, day=none) }}
