{#- Rows of outages that are not simply accepted: duplicates and quarantined rows, and
    superseded versions. An outage first delivered while ongoing (ended_at null) and later with its
    end is one outage: the open version is superseded, not a conflict. -#}

with
{{ landing_exceptions(
    ref('stg_outages__checked'), 'outages', ['outage_id'],
    superseded='''ended_at is null and row_reason is null
        and count(case when ended_at is not null and row_reason is null then 1 end) over (
            partition by outage_id, component, started_at, planned, csp_region
        ) > 0'''
) }}
