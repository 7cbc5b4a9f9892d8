{#- DF1-DF3 (metrics.md §4): one row for the reporting period, all segments
    together:
    - 11.1 Update Firmware (int_firmware_deliveries): deliverable requests, those
      delivered within 5 days and the share (DF1); of the delivered, those
      verified (8F72), failing verification (8F1C) and with neither alert within
      5 days after the final response, and their shares (DF2);
    - 11.3 Activate Firmware: deliverable signed requests (Transforms excluded),
      successful ones and the share (DF3).
    A share is null when its population is empty. -#}

with deliveries as (

    select * from {{ ref('int_firmware_deliveries') }}

),

activations as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '11.3'
        and not is_transform
        and is_deliverable

),

delivery_counts as (

    select
        count(*) as requested,
        cast(sum(case when is_delivered then 1 else 0 end) as bigint) as delivered,
        cast(sum(case when verification = 'verified' then 1 else 0 end) as bigint) as verified,
        cast(sum(case when verification = 'verification_failed' then 1 else 0 end) as bigint)
            as verification_failed,
        cast(sum(case when verification = 'no_alert' then 1 else 0 end) as bigint)
            as no_verification_alert
    from deliveries

),

activation_counts as (

    select
        count(*) as activation_requests,
        cast(sum(case when is_success then 1 else 0 end) as bigint) as activated
    from activations

),

final as (

    select
        '{{ var("period") }}' as period,
        delivery_counts.requested,
        coalesce(delivery_counts.delivered, 0) as delivered,
        {{ percent_of('delivery_counts.delivered', 'nullif(delivery_counts.requested, 0)') }} as pct_delivered,
        coalesce(delivery_counts.verified, 0) as verified,
        coalesce(delivery_counts.verification_failed, 0) as verification_failed,
        coalesce(delivery_counts.no_verification_alert, 0) as no_verification_alert,
        {{ percent_of('delivery_counts.verified', 'nullif(delivery_counts.delivered, 0)') }} as pct_verified,
        {{ percent_of('delivery_counts.verification_failed', 'nullif(delivery_counts.delivered, 0)') }}
            as pct_verification_failed,
        {{ percent_of('delivery_counts.no_verification_alert', 'nullif(delivery_counts.delivered, 0)') }}
            as pct_no_verification_alert,
        activation_counts.activation_requests,
        coalesce(activation_counts.activated, 0) as activated,
        {{ percent_of('activation_counts.activated', 'nullif(activation_counts.activation_requests, 0)') }} as pct_activated
    from delivery_counts
    cross join activation_counts

)

select * from final
