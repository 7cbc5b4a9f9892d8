{#- CH1 and CH2 figures (metrics.md §4) in the long format of metrics.csv, from
    pmr_hub_firmware: chfw.pct_delivered and chfw.pct_activated. Monthly, all
    regions together; no row without events. -#}

with hub_firmware as (

    select * from {{ ref('pmr_hub_firmware') }}

)

{{ metric_rows('hub_firmware', {
    'chfw.pct_delivered': 'pct_delivered',
    'chfw.pct_activated': 'pct_activated',
}, {}, day=none) }}
