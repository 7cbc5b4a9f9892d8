{#- DF1-DF3 figures (metrics.md §4) in the long format of metrics.csv, from
    pmr_firmware: fw.pct_delivered, fw.pct_verified, fw.pct_verification_failed,
    fw.pct_no_verification_alert, fw.pct_activated, and the populations of the
    shares (fw.requested, fw.delivered, fw.activation_requests; 0 when none);
    fw.activation_failures (category = final response code or `none`) from
    pmr_firmware_activation_failures. Monthly, all segments together; no row for a
    share whose population is empty. -#}

with firmware as (

    select * from {{ ref('pmr_firmware') }}

),

activation_failures as (

    select * from {{ ref('pmr_firmware_activation_failures') }}

)

{{ metric_rows('firmware', {
    'fw.pct_delivered': 'pct_delivered',
    'fw.pct_verified': 'pct_verified',
    'fw.pct_verification_failed': 'pct_verification_failed',
    'fw.pct_no_verification_alert': 'pct_no_verification_alert',
    'fw.pct_activated': 'pct_activated',
    'fw.requested': 'requested',
    'fw.delivered': 'delivered',
    'fw.activation_requests': 'activation_requests',
}, {}, day=none) }}
union all
{{ metric_rows('activation_failures', {'fw.activation_failures': 'failures'}, {'category': 'category'}, day=none) }}
