{#- CoS1 failure reasons (metrics.md §4): one row per final response code (or
    `none` when there is no final response) of the deliverable 6.23 requests
    received in the period that are not counted as success (neither succeeded
    nor corrected within 7 x 24 h), all segments together, with their count.
    Codes with no such request have no row. -#}

with cos as (

    select * from {{ ref('int_cos_requests') }}
    where not counts_as_success

)

{{ count_by_final_code('cos') }}
