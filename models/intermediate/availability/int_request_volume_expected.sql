{#- One row per segment, day type (`working_day` / `non_working_day`) and
    bucket of the day (slot_of_day, elapsed time since UK local midnight in
    buckets of bucket_minutes): the expected request
    count of a bucket, the exact median over every comparable bucket in
    int_request_volume_buckets (the period and the lookback days). The median
    is robust to the few days on which the slot had an outage. Computed over
    one table with no join (see docs/decision-log.md on medians). -#}

with buckets as (

    select * from {{ ref('int_request_volume_buckets') }}

),

final as (

    select
        segment,
        day_type,
        slot_of_day,
        {{ median_exact('requests') }} as expected_requests,
        count(*) as buckets_observed
    from buckets
    group by segment, day_type, slot_of_day

)

select * from final
