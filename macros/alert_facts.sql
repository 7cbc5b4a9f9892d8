{#- The body of fct_alerts over any relation of staged alerts (stg_alerts, or the
    staged rows of the touched alert partitions in an incremental build), so that
    every alert figure is defined once. -#}
{% macro alert_facts(staged_alerts) -%}
with alerts as (
    select * from {{ staged_alerts }}
),

target as (
    select value as alert_trt_s from {{ ref('parameters') }} where parameter = 'alert_trt_s'
),

final as (
    select
        alerts.alert_id,
        alerts.alert_code,
        alerts.alert_kind,
        alerts.device_id,
        alerts.device_type,
        alerts.smets,
        alerts.csp_region,
        {{ segment_of('alerts.smets', 'alerts.csp_region') }} as segment,
        alerts.user_id,
        alerts.request_id,
        alerts.received_at,
        {{ uk_date('alerts.received_at') }} as received_day_uk,
        alerts.delivered_at,
        alerts.suppressed,
        alerts.delivered_at is not null as is_delivered,
        case
            when alerts.delivered_at is not null
                then {{ seconds_between('alerts.received_at', 'alerts.delivered_at') }}
        end as delivery_s,
        target.alert_trt_s,
        coalesce(
            {{ seconds_between('alerts.received_at', 'alerts.delivered_at') }} <= target.alert_trt_s,
            false
        ) as is_within_sla
    from alerts
    cross join target
)

select * from final
{%- endmacro %}
