{#- The join condition of a recorded outage (stg_outages) and an inferred spell
    (pmr_inferred_outages): their times overlap (an outage still open runs to the
    period's end) and the outage is national or of the spell's segment's region.
    One rule for the spells' has_recorded_outage and for the pairs of
    pmr_inferred_outage_overlaps. -#}
{% macro recorded_outage_overlaps_spell(outage, spell) -%}
    {{ outage }}.started_at < {{ spell }}.spell_end_utc
    and coalesce({{ outage }}.ended_at, {{ period_end_utc() }}) > {{ spell }}.spell_start_utc
    and (
        {{ outage }}.csp_region is null
        or {{ outage }}.csp_region = {{ spell }}.segment
    )
{%- endmacro %}
