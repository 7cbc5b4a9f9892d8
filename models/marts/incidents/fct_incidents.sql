{#- One row per incident (latest version from the Incident Management Log),
    with its targets and whether they were met. closure_at = closed_at, else
    resolved_at (metrics.md §7); closed_period / raised_period are the UK
    months (YYYY-MM) of closure_at / raised_at. A target is met when the event
    happened at or before its deadline; one without responded_at (resolved_at)
    has missed its response (resolution) target once it is closed or the log
    reaches past the deadline (its latest recorded time), and is unknown (NULL)
    before that.
    resolution_h = resolved_at - raised_at in elapsed hours (NULL without
    resolved_at). is_cpm5 = categories 3-5 with the DCC as Responsible Party;
    counts_for_reliability = categories 1-2, and 3-5 with the DCC as
    Responsible Party (reliability.incidents; reliability.incidents_all counts
    every incident). -#}

with incidents as (

    select * from {{ ref('int_incident_deadlines') }}

),

log_reach as (

    -- the latest time the Incident Management Log records: it was taken after this
    select
        max(greatest(
            raised_at,
            coalesce(responded_at, raised_at),
            coalesce(resolved_at, raised_at),
            coalesce(closed_at, raised_at)
        )) as log_reached_at
    from incidents

),

with_closure as (

    select
        incidents.*,
        coalesce(closed_at, resolved_at) as closure_at,
        log_reach.log_reached_at
    from incidents
    cross join log_reach

),

final as (

    select
        incident_id,
        category,
        cast(category as {{ dbt.type_string() }}) as category_label,
        responsible_party,
        responsible_party = 'DCC' as is_dcc_responsible,
        category between 3 and 5 and responsible_party = 'DCC' as is_cpm5,
        category between 1 and 2
            or (category between 3 and 5 and responsible_party = 'DCC') as counts_for_reliability,
        service,
        csp_region,
        raised_at,
        responded_at,
        resolved_at,
        closed_at,
        closure_at,
        substring(cast(cast({{ utc_to_uk('raised_at') }} as date) as {{ dbt.type_string() }}), 1, 7)
            as raised_period,
        substring(cast(cast({{ utc_to_uk('closure_at') }} as date) as {{ dbt.type_string() }}), 1, 7)
            as closed_period,
        response_target,
        response_unit,
        resolution_target,
        resolution_unit,
        response_deadline_utc,
        resolution_deadline_utc,
        -- without the event: missed once the incident is closed, or once the log
        -- reaches past the deadline; unknown (NULL) until then, as it may still be met
        case
            when responded_at is not null then responded_at <= response_deadline_utc
            when closure_at is not null or response_deadline_utc < log_reached_at then false
        end as response_met,
        case
            when resolved_at is not null then resolved_at <= resolution_deadline_utc
            when closure_at is not null or resolution_deadline_utc < log_reached_at then false
        end as resolution_met,
        {{ seconds_between('raised_at', 'resolved_at') }} / 3600.0 as resolution_h
    from with_closure

)

select * from final
