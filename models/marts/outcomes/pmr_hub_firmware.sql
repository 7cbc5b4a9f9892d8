{#- CH1 and CH2 (metrics.md §4): one row for the reporting period, from the
    Communications Hub firmware events (stg_ch_firmware_events) whose event_at
    falls in the period: images delivered and failed deliveries, activations
    and failed activations, and the shares delivered / activated (null when
    there were no events of the pair). -#}

with events as (

    select event from {{ ref('stg_ch_firmware_events') }}
    where {{ in_period('event_at') }}

),

counted as (

    select
        cast(sum(case when event = 'image_delivered' then 1 else 0 end) as bigint)
            as images_delivered,
        cast(sum(case when event = 'delivery_failed' then 1 else 0 end) as bigint)
            as deliveries_failed,
        cast(sum(case when event = 'activated' then 1 else 0 end) as bigint) as activations,
        cast(sum(case when event = 'activation_failed' then 1 else 0 end) as bigint)
            as activations_failed
    from events

),

final as (

    select
        '{{ var("period") }}' as period,
        coalesce(images_delivered, 0) as images_delivered,
        coalesce(deliveries_failed, 0) as deliveries_failed,
        {{ percent_of('images_delivered', 'nullif(images_delivered + deliveries_failed, 0)') }} as pct_delivered,
        coalesce(activations, 0) as activations,
        coalesce(activations_failed, 0) as activations_failed,
        {{ percent_of('activations', 'nullif(activations + activations_failed, 0)') }} as pct_activated
    from counted

)

select * from final
