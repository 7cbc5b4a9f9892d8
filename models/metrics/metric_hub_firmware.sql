{#- CH1 and CH2 figures (metrics.md §4) in the long format of metrics.csv, from
    pmr_hub_firmware: chfw.pct_delivered and chfw.pct_activated, no row without
    events, and the events each share is over (chfw.deliveries,
    chfw.activation_outcomes; 0 when none). Monthly, all regions together. -#}

with hub_firmware as (

    select * from {{ ref('pmr_hub_firmware') }}

)

{{ metric_rows('hub_firmware', {
    'chfw.pct_delivered': 'pct_delivered',
    'chfw.pct_activated': 'pct_activated',
    'chfw.deliveries': 'images_delivered + deliveries_failed',
    'chfw.activation_outcomes': 'activations + activations_failed',
}, {}, day=none) }}
