{#- One row per segment and time bucket of the reporting period: observed and
    expected request counts and whether the bucket is "low". With Poisson-like
    counts, the Anscombe transform makes 2 x (sqrt(observed + 3/8) -
    sqrt(expected + 3/8)) roughly standard normal; a bucket is low when that
    z-score is at most max_bucket_z AND observed is at most max_bucket_ratio x
    expected (inferred_outage_settings), and the expected level rests on at
    least min_days_observed comparable buckets. -#}
{%- set settings = inferred_outage_settings() -%}

with buckets as (

    select * from {{ ref('int_request_volume_buckets') }}
    where bucket_start_utc >= {{ period_start_utc() }}
        and bucket_start_utc < {{ period_end_utc() }}

),

expected as (

    select * from {{ ref('int_request_volume_expected') }}

),

scored as (

    select
        buckets.segment,
        buckets.bucket_start_utc,
        buckets.bucket_end_utc,
        buckets.uk_date,
        buckets.day_type,
        buckets.slot_of_day,
        buckets.requests as observed_requests,
        expected.expected_requests,
        expected.buckets_observed,
        {{ anscombe_z('buckets.requests', 'expected.expected_requests') }} as z_score
    from buckets
    inner join expected
        on buckets.segment = expected.segment
        and buckets.day_type = expected.day_type
        and buckets.slot_of_day = expected.slot_of_day

),

final as (

    select
        scored.*,
        buckets_observed >= {{ settings.min_days_observed }}
        and observed_requests <= {{ settings.max_bucket_ratio }} * expected_requests
        and z_score <= {{ settings.max_bucket_z }} as is_low
    from scored

)

select * from final
