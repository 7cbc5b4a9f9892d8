{#- RSVP (Requirement 1): one row per business process x segment x UK day of the
    period, plus one per business process x segment for the whole month (day
    null). Segments: North, Central, South, SMETS1 (only for processes with an
    SRV that applies to SMETS1) and All. Definitions: metrics.md §3. -#}

with events as (
    select * from {{ ref('int_request_business_processes') }}
    union all
    select * from {{ ref('int_alert_business_processes') }}
),

processes as (
    select business_process, measured_on from {{ ref('business_processes') }}
),

smets1_processes as (
    select distinct process_srvs.business_process
    from {{ ref('business_process_srvs') }} as process_srvs
    inner join {{ ref('srv_catalogue') }} as srvs on process_srvs.srv = srvs.srv
    where srvs.applies_to_smets1
    union
    select distinct business_process from {{ ref('business_process_alerts') }}
),

segments as (
    select 'North' as segment, false as is_smets1 union all
    select 'Central', false union all
    select 'South', false union all
    select 'SMETS1', true union all
    select 'All', false
),

days as (
    select day from {{ period_days() }}
    union all
    select cast(null as date) as day
),

spine as (
    select processes.business_process, segments.segment, days.day
    from processes
    cross join segments
    cross join days
    left join smets1_processes on processes.business_process = smets1_processes.business_process
    where not segments.is_smets1 or smets1_processes.business_process is not null
),

aggregated as (
    select
        business_process,
        coalesce(segment, 'All') as segment,
        received_day_uk as day,
        count(*) as volume,
        cast(sum(case when is_rejected then 1 else 0 end) as bigint) as rejected,
        cast(sum(case when is_deliverable then 1 else 0 end) as bigint) as deliverable,
        {{ mean_exact('case when is_deliverable and has_final_response then rtt_s end') }} as mean_rtt_s,
        {{ median_exact('case when is_deliverable and has_final_response then rtt_s end') }} as median_rtt_s,
        min(case when is_deliverable and has_final_response then rtt_s end) as min_rtt_s,
        max(case when is_deliverable and has_final_response then rtt_s end) as max_rtt_s,
        cast(sum(case when is_deliverable and is_within_trt then 1 else 0 end) as bigint)
            as within_trt,
        cast(sum(case when is_deliverable and is_failed then 1 else 0 end) as bigint) as failed,
        cast(sum(case when is_deliverable and has_final_response then 1 else 0 end) as bigint) as rtt_measured,
        cast(sum(case when is_deliverable and has_final_response and dsp_processing_ms is null then 1 else 0 end)
            as bigint) as without_dsp_time,
        -- dsp_processing_ms is optional: the mean is over the requests that record it (decision log)
        avg(case when is_deliverable and has_final_response then dsp_processing_ms end) / 1000.0 as mean_dsp_s
    from events
    group by grouping sets (
        (business_process, segment, received_day_uk),
        (business_process, received_day_uk),
        (business_process, segment),
        (business_process)
    )
),

test_rtt as (
    select * from {{ ref('int_csp_test_rtt') }}
),

final as (
    select
        '{{ var("period") }}' as period,
        spine.day,
        spine.business_process,
        spine.segment,
        coalesce(aggregated.volume, 0) as volume,
        coalesce(aggregated.rejected, 0) as rejected,
        coalesce(aggregated.deliverable, 0) as deliverable,
        aggregated.mean_rtt_s,
        aggregated.median_rtt_s,
        aggregated.min_rtt_s,
        aggregated.max_rtt_s,
        coalesce(aggregated.within_trt, 0) as within_trt,
        case when aggregated.deliverable > 0
            then {{ percent_of('aggregated.within_trt', 'aggregated.deliverable') }} end as pct_within_trt,
        coalesce(aggregated.failed, 0) as failed,
        case when aggregated.deliverable > 0
            then {{ percent_of('aggregated.failed', 'aggregated.deliverable') }} end as pct_failed,
        coalesce(aggregated.rtt_measured, 0) as rtt_measured,
        coalesce(aggregated.without_dsp_time, 0) as without_dsp_time,
        -- interim HAN-free speed: SMETS2 segments only (metrics.md §3)
        case when spine.segment in ('North', 'Central', 'South')
            then aggregated.mean_dsp_s + test_rtt.mean_test_rtt_s end as mean_rtt_excl_han_s
    from spine
    left join aggregated
        on spine.business_process = aggregated.business_process
        and spine.segment = aggregated.segment
        and (spine.day = aggregated.day or (spine.day is null and aggregated.day is null))
    left join test_rtt
        on spine.segment = test_rtt.segment
        and (spine.day = test_rtt.day or (spine.day is null and test_rtt.day is null))
)

select * from final
