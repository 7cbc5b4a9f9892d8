{#- Settings of the inferred-outage detector (Requirement 3's "lack of
    activity" method; docs/metrics/requirement-3-5.md). Defaults were tuned
    against the synthetic generator's ground truth (docs/benchmarks.md); any
    of them can be overridden with the var `inferred_outages`, e.g.
    --vars '{inferred_outages: {bucket_minutes: 15}}'.
    - bucket_minutes: length of a count bucket; must divide 60.
    - lookback_days: UK days before the period also used for the expected level.
    - min_days_observed: fewest comparable buckets behind an expected level.
    - max_bucket_ratio / max_bucket_z: a bucket is low when observed <=
      ratio x expected and its Anscombe z-score (Poisson counts) <= z.
    - max_gap_buckets: low buckets separated by at most this many buckets
      that are not low belong to one spell.
    - max_spell_ratio / min_spell_evidence: a spell is reported only when its
      totals (gap buckets included) have observed <= ratio x expected and
      evidence >= min_spell_evidence, where evidence = o ln(o/e) - o + e (half
      the Poisson deviance) bounds the chance of so few requests by
      exp(-evidence) (Chernoff): 10 means at most 4.5e-5. -#}
{% macro inferred_outage_settings() -%}
    {%- set settings = {
        'bucket_minutes': 10,
        'lookback_days': 28,
        'min_days_observed': 3,
        'max_bucket_ratio': 0.5,
        'max_bucket_z': -2.5,
        'max_gap_buckets': 1,
        'max_spell_ratio': 0.5,
        'min_spell_evidence': 10.0,
    } -%}
    {%- do settings.update(var('inferred_outages', {})) -%}
    {{ return(settings) }}
{%- endmacro %}
