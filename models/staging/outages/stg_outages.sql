{{ config(materialized='view') }}

select
    outage_id,
    component,
    started_at,
    ended_at,
    planned,
    csp_region,
    description,
    _file
from {{ ref('base_outages') }}
where row_status = 'accepted' and not is_superseded
