{#- One row per segment and time bucket of the reporting period: observed and
    expected request counts and whether the bucket is "low". With Poisson-like
    counts, the Anscombe transform makes 2 x (sqrt(observed + 3/8) -
    sqrt(expected + 3/8)) roughly standard normal; a bucket is low when that
    z-score is at most max_bucket_z AND observed is at most max_bucket_ratio x
    expected (inferred_outage_settings), and the expected level rests on at
    least min_days_observed comparable buckets. The expected level is by elapsed
    time since UK local midnight; after the change on a clock-change day, where
    that and the local clock time place the bucket differently, it is the lower
    of the two alignments' levels (int_request_volume_expected). -#}
{%- set settings = inferred_outage_settings() -%}

with buckets as (

    select * from {{ ref('int_request_volume_buckets') }}
    where bucket_start_utc >= {{ period_start_utc() }}
        and bucket_start_utc < {{ period_end_utc() }}

),

by_elapsed_time as (

    select * from {{ ref('int_request_volume_expected') }}
    where aligned_by = 'elapsed'

),

by_clock_time as (

    select * from {{ ref('int_request_volume_expected') }}
    where aligned_by = 'clock'

),

candidates as (

    select
        buckets.*,
        by_elapsed_time.expected_requests as elapsed_expected,
        by_elapsed_time.buckets_observed as elapsed_observed,
        coalesce(by_elapsed_time.buckets_observed >= {{ settings.min_days_observed }}, false) as elapsed_usable,
        by_clock_time.expected_requests as clock_expected,
        by_clock_time.buckets_observed as clock_observed,
        coalesce(by_clock_time.buckets_observed >= {{ settings.min_days_observed }}, false) as clock_usable
    from buckets
    left join by_elapsed_time
        on buckets.segment = by_elapsed_time.segment
        and buckets.day_type = by_elapsed_time.day_type
        and buckets.slot_of_day = by_elapsed_time.slot_of_day
    left join by_clock_time
        on buckets.segment = by_clock_time.segment
        and buckets.day_type = by_clock_time.day_type
        and buckets.clock_slot_of_day = by_clock_time.slot_of_day

),

chosen as (

    -- where the two alignments place the bucket differently (after the change on a
    -- clock-change day), the lower expected level of the usable ones: a bucket is low
    -- only when it is low against both. Elsewhere by elapsed time: there the two
    -- levels differ only by what the clock-change day adds to each slot
    select
        *,
        case
            when slot_of_day = clock_slot_of_day and elapsed_expected is not null then 'elapsed'
            when elapsed_usable and (not clock_usable or elapsed_expected <= clock_expected) then 'elapsed'
            when clock_usable then 'clock'
            when elapsed_expected is not null then 'elapsed'
            when clock_expected is not null then 'clock'
        end as aligned_by
    from candidates

),

scored as (

    select
        segment,
        bucket_start_utc,
        bucket_end_utc,
        uk_date,
        day_type,
        slot_of_day,
        clock_slot_of_day,
        aligned_by,
        requests as observed_requests,
        case when aligned_by = 'elapsed' then elapsed_expected else clock_expected end as expected_requests,
        case when aligned_by = 'elapsed' then elapsed_observed else clock_observed end as buckets_observed
    from chosen
    where aligned_by is not null

),

with_z as (

    select
        scored.*,
        {{ anscombe_z('observed_requests', 'expected_requests') }} as z_score
    from scored

),

final as (

    select
        with_z.*,
        buckets_observed >= {{ settings.min_days_observed }}
        and observed_requests <= {{ settings.max_bucket_ratio }} * expected_requests
        and z_score <= {{ settings.max_bucket_z }} as is_low
    from with_z

)

select * from final
