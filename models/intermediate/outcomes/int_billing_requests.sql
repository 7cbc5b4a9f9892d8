{{ config(materialized='view') }}

{#- One row per request that B1 and B2 count (metrics.md §4; pmr_billing adds
    them up): every deliverable 5.1 (Create Schedule) and 4.6.1 (Retrieve
    Import Daily Read Log) request received in the reporting period, Transforms
    excluded, with what it counts as:
    - a schedule (5.1), which counts as succeeded when it succeeded (B1);
    - a scheduled read (4.6.1 with an execution_at: DCC-Scheduled or
      Future-Dated), which counts when its final response, success or not, came
      at most billing_read_window_s (24 h, parameters seed) after execution_at;
      a read with no final response did not (B1);
    - an on-demand read (4.6.1 without execution_at), which counts when it
      succeeded (B2).
    A view: the rows are those of fct_service_requests, classified when read. -#}

with final as (

    select
        request_id,
        srv,
        segment,
        user_id,
        device_id,
        received_at,
        execution_at,
        final_response_at,
        final_response_code,
        srv = '5.1' as is_schedule,
        srv = '4.6.1' and execution_at is not null as is_scheduled_read,
        srv = '4.6.1' and execution_at is null as is_on_demand_read,
        is_success,
        case when srv = '4.6.1' and execution_at is not null then coalesce(
            {{ seconds_between('execution_at', 'final_response_at') }}
                <= {{ parameter_value('billing_read_window_s') }},
            false
        ) end as is_answered_within_window
    from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and not is_transform
        and is_deliverable
        and srv in ('5.1', '4.6.1')

)

select * from final
