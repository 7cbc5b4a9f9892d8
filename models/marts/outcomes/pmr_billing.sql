{#- B1 and B2 (metrics.md §4): one row for the reporting period, all segments
    together, over deliverable requests received in the period (Transforms
    excluded):
    - 5.1 Create Schedule: deliverable and successful, and the share (B1);
    - 4.6.1 Retrieve Import Daily Read Log with an execution_at (DCC-Scheduled
      or Future-Dated reads): deliverable, and those whose final response
      (success or not) came at most billing_read_window_s (24 h, parameters
      seed) after execution_at, and the share (B1); a read with no final
      response did not come within 24 h;
    - 4.6.1 without execution_at (On-Demand reads): deliverable and successful,
      and the share (B2).
    A share is null when its population is empty. -#}

with requests as (

    select * from {{ ref('fct_service_requests') }}
    where {{ in_period('received_at') }}
        and not is_transform
        and is_deliverable
        and srv in ('5.1', '4.6.1')

),

classified as (

    select
        srv = '5.1' as is_schedule,
        srv = '4.6.1' and execution_at is not null as is_scheduled_read,
        srv = '4.6.1' and execution_at is null as is_on_demand_read,
        is_success,
        coalesce(
            {{ seconds_between('execution_at', 'final_response_at') }}
                <= {{ parameter_value('billing_read_window_s') }},
            false
        ) as is_answered_within_window
    from requests

),

aggregated as (

    select
        cast(sum(case when is_schedule then 1 else 0 end) as bigint) as schedules,
        cast(sum(case when is_schedule and is_success then 1 else 0 end) as bigint)
            as schedules_succeeded,
        cast(sum(case when is_scheduled_read then 1 else 0 end) as bigint) as scheduled_reads,
        cast(sum(case when is_scheduled_read and is_answered_within_window then 1 else 0 end) as bigint)
            as scheduled_reads_within_24h,
        cast(sum(case when is_on_demand_read then 1 else 0 end) as bigint) as on_demand_reads,
        cast(sum(case when is_on_demand_read and is_success then 1 else 0 end) as bigint)
            as on_demand_reads_succeeded
    from classified

),

final as (

    select
        '{{ var("period") }}' as period,
        coalesce(schedules, 0) as schedules,
        coalesce(schedules_succeeded, 0) as schedules_succeeded,
        {{ percent_of('schedules_succeeded', 'nullif(schedules, 0)') }} as pct_schedule_success,
        coalesce(scheduled_reads, 0) as scheduled_reads,
        coalesce(scheduled_reads_within_24h, 0) as scheduled_reads_within_24h,
        {{ percent_of('scheduled_reads_within_24h', 'nullif(scheduled_reads, 0)') }} as pct_read_within_24h,
        coalesce(on_demand_reads, 0) as on_demand_reads,
        coalesce(on_demand_reads_succeeded, 0) as on_demand_reads_succeeded,
        {{ percent_of('on_demand_reads_succeeded', 'nullif(on_demand_reads, 0)') }} as pct_on_demand_read_success
    from aggregated

)

select * from final
