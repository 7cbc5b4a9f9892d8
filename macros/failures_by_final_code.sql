{#- One row per final response code (`none` when there is no final response) of the
    requests of `relation` (a CTE or table of failed requests with final_response_code),
    with their count: the period, category and failures columns of the failure-reason
    marts. Codes with no failure have no row. -#}
{% macro count_by_final_code(relation) -%}
select
    '{{ var("period") }}' as period,
    coalesce(final_response_code, 'none') as category,
    count(*) as failures
from {{ relation }}
group by coalesce(final_response_code, 'none')
{%- endmacro %}

{#- The deliverable requests of one SRV received in the period that did not succeed
    (Transforms excluded), counted by final response code: PP1's failure reasons (2.2)
    and DF3's failure responses (11.3). A request answered I0 but named by an N12/N13
    alert appears under I0. -#}
{% macro failures_by_final_code(srv) -%}
with failed as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '{{ srv }}'
        and not is_transform
        and is_deliverable
        and not is_success

)

{{ count_by_final_code('failed') }}
{%- endmacro %}
