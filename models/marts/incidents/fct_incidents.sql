{#- One row per incident (latest version from the Incident Management Log),
    with its targets and whether they were met. closure_at = closed_at, else
    resolved_at (metrics.md §7); closed_period / raised_period are the UK
    months (YYYY-MM) of closure_at / raised_at. A target is met when the event
    happened at or before its deadline; an incident with no responded_at
    (resolved_at) has not met its response (resolution) target.
    resolution_h = resolved_at - raised_at in elapsed hours (NULL without
    resolved_at). is_cpm5 = categories 3-5 with the DCC as Responsible Party;
    counts_for_reliability = categories 1-2, and 3-5 with the DCC as
    Responsible Party (reliability.incidents). -#}

with incidents as (

    select * from {{ ref('int_incident_deadlines') }}

),

with_closure as (

    select
        incidents.*,
        coalesce(closed_at, resolved_at) as closure_at
    from incidents

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
        -- unknown (NULL) while the incident is open without that event: it may still meet the target
        case
            when responded_at is not null then responded_at <= response_deadline_utc
            when closure_at is not null then false
        end as response_met,
        case
            when resolved_at is not null then resolved_at <= resolution_deadline_utc
            when closure_at is not null then false
        end as resolution_met,
        {{ seconds_between('raised_at', 'resolved_at') }} / 3600.0 as resolution_h
    from with_closure

)

select * from final
