{#- One row per inferred spell and recorded outage overlapping it (national, or
    of the spell's segment's region): the pairs behind pmr_inferred_outages'
    has_recorded_outage, by the same rule (recorded_outage_overlaps_spell). The
    report lists each recorded outage with the segments of its spells from here,
    an id whole whatever it holds, rather than split out of recorded_outage_ids. -#}
with spells as (

    select * from {{ ref('pmr_inferred_outages') }}

),

outages as (

    select * from {{ ref('stg_outages') }}

),

final as (

    select
        spells.period,
        spells.segment,
        spells.spell_start_utc,
        outages.outage_id
    from spells
    inner join outages
        on {{ recorded_outage_overlaps_spell('outages', 'spells') }}

)

select * from final
