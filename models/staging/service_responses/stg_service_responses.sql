{{ config(materialized='view') }}

select
    request_id,
    response_at,
    response_code,
    _file
from {{ ref('base_service_responses') }}
where row_status = 'accepted'
