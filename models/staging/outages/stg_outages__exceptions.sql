{#- Rows of outages that are not simply accepted: duplicates and quarantined rows, and
    superseded versions. An outage first delivered while ongoing (ended_at null) and later with its
    end is one outage: the open version is superseded, not a conflict. -#}

with
{{ landing_exceptions(
    ref('stg_outages__checked'), 'outages', ['outage_id'],
    superseded=filled_in_later('ended_at', ['outage_id', 'component', 'started_at', 'planned', 'csp_region'])
) }}
