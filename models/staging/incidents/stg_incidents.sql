{{ config(materialized='view') }}

select
    incident_id,
    category,
    raised_at,
    responded_at,
    resolved_at,
    closed_at,
    responsible_party,
    service,
    csp_region,
    title,
    _file
from {{ ref('base_incidents') }}
where row_status = 'accepted' and not is_superseded
