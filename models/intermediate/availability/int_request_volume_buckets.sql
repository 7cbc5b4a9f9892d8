{#- One row per segment and time bucket (inferred_outage_settings:
    bucket_minutes, UTC-aligned, so also aligned in UK local time) from
    lookback_days before the reporting period to its end, restricted to the
    span of time the extracts cover (first to last bucket with any request):
    the count of Service Requests received (Transform requests, command_variant
    4, excluded as in RSVP). Segments are North, Central, South, SMETS1
    (macro segment_of) and All, the total over the four. Buckets with no
    request are present with 0. Requests are aggregated before anything is
    joined, so millions of rows cost one scan, of the request fact (one row per
    accepted request, every period kept, segment as segment_of gives it), not
    of the landing files again through stg_service_requests: at scale 0.1 that
    took 1.9 s, the fact's three columns a fraction of it. Each bucket has two
    places in the day: slot_of_day (elapsed time since UK local midnight) and
    clock_slot_of_day (the local clock time), equal except after the change on
    a clock-change day. -#}
{%- set settings = inferred_outage_settings() -%}
{%- set bucket_minutes = settings.bucket_minutes | int -%}
{%- set window_first_day = dbt.dateadd('day', -(settings.lookback_days | int), period_first_day()) -%}

with days as (

    select
        uk_date,
        day_start_utc,
        day_end_utc,
        is_working_day
    from {{ ref('util_uk_days') }}
    where uk_date >= cast({{ window_first_day }} as date)
        and uk_date < {{ period_next_first_day() }}

),

requests as (

    select
        received_at,
        segment
    from {{ ref('fct_service_requests') }}
    where not is_transform
        and received_at >= {{ uk_to_utc('cast(' ~ window_first_day ~ ' as timestamp)') }}
        and received_at < {{ period_end_utc() }}

),

counts as (

    select
        segment,
        {{ time_bucket_start('received_at', bucket_minutes * 60) }} as bucket_start_utc,
        count(*) as requests
    from requests
    group by 1, 2

),

data_span as (

    select
        min(bucket_start_utc) as first_bucket_utc,
        max(bucket_start_utc) as last_bucket_utc
    from counts

),

bucket_numbers as (

    {{ dbt.generate_series(25 * 60 // bucket_minutes) }}

),

buckets as (

    select
        days.uk_date,
        days.is_working_day,
        days.day_start_utc,
        {{ dbt.dateadd('minute', '(bucket_numbers.generated_number - 1) * ' ~ bucket_minutes, 'days.day_start_utc') }}
            as bucket_start_utc,
        days.day_end_utc
    from days
    cross join bucket_numbers

),

buckets_in_span as (

    select
        buckets.uk_date,
        buckets.is_working_day,
        buckets.day_start_utc,
        buckets.bucket_start_utc
    from buckets
    inner join data_span
        on buckets.bucket_start_utc >= data_span.first_bucket_utc
        and buckets.bucket_start_utc <= data_span.last_bucket_utc
    where buckets.bucket_start_utc < buckets.day_end_utc

),

segments as (

    select 'North' as segment
    union all select 'Central'
    union all select 'South'
    union all select 'SMETS1'

),

segment_buckets as (

    select
        segments.segment,
        buckets_in_span.uk_date,
        buckets_in_span.is_working_day,
        buckets_in_span.day_start_utc,
        buckets_in_span.bucket_start_utc,
        coalesce(counts.requests, 0) as requests
    from segments
    cross join buckets_in_span
    left join counts
        on segments.segment = counts.segment
        and buckets_in_span.bucket_start_utc = counts.bucket_start_utc

),

all_buckets as (

    select
        'All' as segment,
        uk_date,
        is_working_day,
        day_start_utc,
        bucket_start_utc,
        sum(requests) as requests
    from segment_buckets
    group by uk_date, is_working_day, day_start_utc, bucket_start_utc

),

unioned as (

    select * from segment_buckets
    union all
    select * from all_buckets

),

final as (

    select
        segment,
        bucket_start_utc,
        {{ dbt.dateadd('minute', bucket_minutes, 'bucket_start_utc') }} as bucket_end_utc,
        uk_date,
        case when is_working_day then 'working_day' else 'non_working_day' end as day_type,
        -- elapsed time since UK local midnight, in buckets, and the local clock
        -- time, in buckets: the same on every day but the two clock-change days,
        -- where the expected level is read both ways (docs/decision-log.md)
        cast(floor(
            {{ dbt.datediff('day_start_utc', 'bucket_start_utc', 'minute') }} / {{ bucket_minutes }}.0
        ) as integer) as slot_of_day,
        cast(floor(
            (extract(hour from {{ utc_to_uk('bucket_start_utc') }}) * 60
             + extract(minute from {{ utc_to_uk('bucket_start_utc') }})) / {{ bucket_minutes }}.0
        ) as integer) as clock_slot_of_day,
        cast(requests as bigint) as requests
    from unioned

)

select * from final
