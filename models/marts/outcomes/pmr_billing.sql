{#- B1 and B2 (metrics.md §4): one row for the reporting period, all segments
    together, counting the requests of int_billing_requests, which says which
    deliverable requests of the period count and how:
    - 5.1 Create Schedule: schedules and those that succeeded, and the share (B1);
    - 4.6.1 reads with an execution_at (DCC-Scheduled or Future-Dated): reads,
      and those answered within billing_read_window_s (24 h) of it, and the
      share (B1);
    - 4.6.1 reads without execution_at (On-Demand): reads and those that
      succeeded, and the share (B2).
    A share is null when its population is empty. -#}

with aggregated as (

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
    from {{ ref('int_billing_requests') }}

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
