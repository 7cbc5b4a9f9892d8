{#- One row per segment, day type (`working_day` / `non_working_day`), way of
    aligning days (aligned_by) and bucket of the day (slot_of_day): the expected
    request count of a bucket, the exact median over every comparable bucket in
    int_request_volume_buckets (the period and the lookback days). Days are
    aligned two ways: `elapsed` (slot_of_day is the time since UK local
    midnight) and `clock` (slot_of_day is the local clock time); on a normal day
    the two agree, on a clock-change day int_request_volume_flagged reads both.
    The median is robust to the few days on which the slot had an outage.
    Computed over one table with no join (see docs/decision-log.md on medians). -#}

with buckets as (

    select * from {{ ref('int_request_volume_buckets') }}

),

by_elapsed_time as (

    select
        segment,
        day_type,
        'elapsed' as aligned_by,
        slot_of_day,
        {{ median_exact('requests') }} as expected_requests,
        count(*) as buckets_observed
    from buckets
    group by segment, day_type, slot_of_day

),

by_clock_time as (

    select
        segment,
        day_type,
        'clock' as aligned_by,
        clock_slot_of_day as slot_of_day,
        {{ median_exact('requests') }} as expected_requests,
        count(*) as buckets_observed
    from buckets
    group by segment, day_type, clock_slot_of_day

),

final as (

    select * from by_elapsed_time
    union all
    select * from by_clock_time

)

select * from final
