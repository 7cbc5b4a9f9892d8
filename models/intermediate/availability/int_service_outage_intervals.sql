{#- One row per reporting period, DCC Service, availability view and component
    outage that affects it: the outage as a half-open interval
    [interval_start_utc, interval_end_utc) clipped to the period. A Service is
    down when any of its components is (service_components seed), so an outage
    of a shared component (dsp_core, access_control) appears under every
    Service using it. An outage with no ended_at runs to the end of the period.
    Intervals may overlap here; int_service_state_pieces counts them once. -#}

with outages as (

    select * from {{ ref('stg_outages') }}

),

service_components as (

    select service, component from {{ ref('service_components') }}

),

service_views as (

    select * from {{ ref('int_service_views') }}

),

periods as (

    select * from {{ ref('int_reporting_periods') }}

),

service_outages as (

    select
        service_components.service,
        outages.outage_id,
        outages.component,
        outages.planned as is_planned,
        outages.csp_region,
        outages.started_at,
        outages.ended_at
    from outages
    inner join service_components on outages.component = service_components.component

),

in_views as (

    select
        service_views.segment,
        service_outages.*
    from service_outages
    inner join service_views
        on service_outages.service = service_views.service
        and (
            service_outages.csp_region is null
            or service_outages.csp_region = service_views.csp_region
        )

),

clipped as (

    select
        periods.period,
        in_views.service,
        in_views.segment,
        in_views.outage_id,
        in_views.component,
        in_views.is_planned,
        in_views.csp_region,
        in_views.ended_at is null as is_open_ended,
        greatest(in_views.started_at, periods.period_start_utc) as interval_start_utc,
        least(
            coalesce(in_views.ended_at, periods.period_end_utc), periods.period_end_utc
        ) as interval_end_utc
    from in_views
    inner join periods
        on in_views.started_at < periods.period_end_utc
        and coalesce(in_views.ended_at, periods.period_end_utc) > periods.period_start_utc

),

final as (

    select * from clipped
    where interval_start_utc < interval_end_utc

)

select * from final
