{#- One row per incident (stg_incidents): its category targets
    (incident_targets seed) as deadlines in UTC. Targets in hours are elapsed
    time (24x7); targets in Working Days step forward that many Working Days
    from the UK local date of raised_at, keeping its local time of day (macro
    add_working_days: weekends and bank holidays are stepped over, and across
    a clock change the deadline moves by an hour in UTC). -#}

with incidents as (

    select * from {{ ref('stg_incidents') }}

),

targets as (

    select * from {{ ref('incident_targets') }}

),

final as (

    select
        incidents.incident_id,
        incidents.category,
        incidents.responsible_party,
        incidents.service,
        incidents.csp_region,
        incidents.raised_at,
        incidents.responded_at,
        incidents.resolved_at,
        incidents.closed_at,
        targets.response_target,
        targets.response_unit,
        targets.resolution_target,
        targets.resolution_unit,
        case targets.response_unit
            when 'hours' then {{ dbt.dateadd('second', 'targets.response_target * 3600', 'incidents.raised_at') }}
            when 'working_days' then {{ add_working_days('incidents.raised_at', 'targets.response_target') }}
        end as response_deadline_utc,
        case targets.resolution_unit
            when 'hours' then {{ dbt.dateadd('second', 'targets.resolution_target * 3600', 'incidents.raised_at') }}
            when 'working_days' then {{ add_working_days('incidents.raised_at', 'targets.resolution_target') }}
        end as resolution_deadline_utc
    from incidents
    left join targets on incidents.category = targets.category

)

select * from final
