{#- One row per final response code (`none` when there is no final response) of the
    deliverable requests of one SRV received in the period that did not succeed
    (Transforms excluded), all segments together, with their count: PP1's failure
    reasons (2.2) and DF3's failure responses (11.3). A request answered I0 but named
    by an N12/N13 alert appears under I0. Codes with no failure have no row. -#}
{% macro failures_by_final_code(srv) -%}
with failed as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '{{ srv }}'
        and not is_transform
        and is_deliverable
        and not is_success

),

final as (

    select
        '{{ var("period") }}' as period,
        coalesce(final_response_code, 'none') as category,
        count(*) as failures
    from failed
    group by coalesce(final_response_code, 'none')

)

select * from final
{%- endmacro %}
