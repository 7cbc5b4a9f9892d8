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

    {#- every segment x (all types, and each type with requests somewhere in the month) #}
    select segments.segment, types.device_type, coalesce(cos.deliverable, 0) as deliverable
    from {{ segment_spine() }} as segments
    cross join (
        select distinct device_type from cos where device_type is not null and deliverable > 0
        union all select cast(null as {{ dbt.type_string() }})
    ) as types
    left join cos
        on segments.segment = cos.segment
        and (cos.device_type = types.device_type or (cos.device_type is null and types.device_type is null))

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
