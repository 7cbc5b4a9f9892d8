{#- CoS1 figures (metrics.md §4) in the long format of metrics.csv:
    cos.pct_success (segment, device_type) from pmr_change_of_supplier and
    cos.failures (category = final response code or `none`, all segments) from
    pmr_change_of_supplier_failures. Monthly only. -#}

with cos as (

    select * from {{ ref('pmr_change_of_supplier') }}

),

failures as (

    select * from {{ ref('pmr_change_of_supplier_failures') }}

)

{{ metric_rows('cos', {'cos.pct_success': 'pct_success'},
               {'segment': 'segment', 'device_type': 'device_type'}, day=none) }}
union all
{{ metric_rows('failures', {'cos.failures': 'failures'}, {'category': 'category'}, day=none) }}
