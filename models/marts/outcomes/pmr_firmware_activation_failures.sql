{#- DF3 failure responses (the seed: "the percentage of success and failure
    responses to the SRV11.3"): one row per final response code (or `none` when
    there is no final response) of the deliverable signed 11.3 requests received in
    the period that did not succeed, all segments together, with their count; a
    request answered I0 but named by an N12/N13 alert appears under I0. Codes with
    no failure have no row. The population is fw.activation_requests. -#}

with failed as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and srv = '11.3'
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
