{#- Rows of incidents that are not simply accepted: duplicates and quarantined rows, and
    superseded versions. The contract says the latest row for an id wins, by the latest of its
    timestamps: earlier versions are superseded (accepted, not staged). -#}

with
{{ landing_exceptions(
    ref('stg_incidents__checked'), 'incidents', ['incident_id'],
    superseded='''row_reason is null
        and greatest(raised_at, responded_at, resolved_at, closed_at) < max(
            case when row_reason is null then greatest(raised_at, responded_at, resolved_at, closed_at) end
        ) over (partition by incident_id)'''
) }}
