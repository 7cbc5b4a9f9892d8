{#- One row per inferred outage: a spell of low buckets
    (int_request_volume_flagged) in one segment (North, Central, South, SMETS1,
    or All = the total traffic) during the reporting period. Low buckets
    separated by at most max_gap_buckets other buckets join one spell; a spell
    is reported only when its totals (gap buckets included) are also far below
    expected and too few to be chance (max_spell_ratio, min_spell_evidence of
    inferred_outage_settings).
    Requirement 3's "lack of activity" method, listed beside the recorded
    outages: has_recorded_outage says whether a recorded outage (any
    component; national, or of the segment's region) overlaps the spell. -#}
{%- set settings = inferred_outage_settings() -%}

with flagged as (

    select
        *,
        cast(floor(
            {{ dbt.datediff("cast('2000-01-01' as timestamp)", 'bucket_start_utc', 'minute') }}
            / {{ settings.bucket_minutes | int }}.0
        ) as bigint) as bucket_index
    from {{ ref('int_request_volume_flagged') }}

),

outages as (

    select * from {{ ref('stg_outages') }}

),

low_buckets as (

    select
        segment,
        bucket_start_utc,
        bucket_end_utc,
        case
            when bucket_index - lag(bucket_index) over (
                partition by segment order by bucket_start_utc
            ) <= {{ 1 + (settings.max_gap_buckets | int) }} then 0
            else 1
        end as starts_spell
    from flagged
    where is_low

),

numbered as (

    select
        *,
        sum(starts_spell) over (
            partition by segment order by bucket_start_utc
            rows between unbounded preceding and current row
        ) as spell_no
    from low_buckets

),

spell_bounds as (

    select
        segment,
        spell_no,
        min(bucket_start_utc) as spell_start_utc,
        max(bucket_end_utc) as spell_end_utc,
        count(*) as low_buckets
    from numbered
    group by segment, spell_no

),

spells as (

    select
        spell_bounds.segment,
        spell_bounds.spell_start_utc,
        spell_bounds.spell_end_utc,
        spell_bounds.low_buckets,
        count(*) as buckets,
        sum(flagged.observed_requests) as observed_requests,
        {{ sum_exact('flagged.expected_requests') }} as expected_requests
    from spell_bounds
    inner join flagged
        on spell_bounds.segment = flagged.segment
        and flagged.bucket_start_utc >= spell_bounds.spell_start_utc
        and flagged.bucket_start_utc < spell_bounds.spell_end_utc
    group by
        spell_bounds.segment,
        spell_bounds.spell_start_utc,
        spell_bounds.spell_end_utc,
        spell_bounds.low_buckets

),

-- evidence = o ln(o/e) - o + e: P(so few requests by chance) <= exp(-evidence)
scored as (

    select
        spells.*,
        {{ anscombe_z('observed_requests', 'expected_requests') }} as z_score,
        case
            when observed_requests > 0
                then observed_requests * ln(observed_requests / expected_requests)
            else 0
        end - observed_requests + expected_requests as evidence
    from spells
    where expected_requests > 0

),

significant as (

    select * from scored
    where observed_requests <= {{ settings.max_spell_ratio }} * expected_requests
        and evidence >= {{ settings.min_spell_evidence }}

),

recorded_overlaps as (

    select
        significant.segment,
        significant.spell_start_utc,
        count(outages.outage_id) as recorded_outages,
        {{ dbt.listagg('outages.outage_id', "', '", 'order by outages.outage_id') }} as recorded_outage_ids
    from significant
    left join outages
        on {{ recorded_outage_overlaps_spell('outages', 'significant') }}
    group by significant.segment, significant.spell_start_utc

),

final as (

    select
        '{{ var("period") }}' as period,
        significant.segment,
        significant.spell_start_utc,
        significant.spell_end_utc,
        {{ seconds_between('significant.spell_start_utc', 'significant.spell_end_utc') }} / 60.0
            as duration_min,
        cast(significant.buckets as integer) as buckets,
        cast(significant.low_buckets as integer) as low_buckets,
        cast(significant.observed_requests as bigint) as observed_requests,
        significant.expected_requests,
        significant.observed_requests / nullif(significant.expected_requests, 0) as volume_ratio,
        significant.z_score,
        significant.evidence,
        recorded_overlaps.recorded_outages > 0 as has_recorded_outage,
        recorded_overlaps.recorded_outage_ids
    from significant
    inner join recorded_overlaps
        on significant.segment = recorded_overlaps.segment
        and significant.spell_start_utc = recorded_overlaps.spell_start_utc

)

select * from final
