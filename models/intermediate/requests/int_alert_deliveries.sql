{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('stg_alerts__replaced_keys')) }}"
) }}
-- depends_on: {{ ref('stg_alerts__replaced_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_keys') }}
-- depends_on: {{ ref('stg_alerts__touched_checked') }}
-- depends_on: {{ ref('stg_alerts__exceptions') }}

{#- Every alert received in the period, with the few columns A1 counts
    (metric_alerts): its segment, code, whether it was suppressed (never sent, not
    counted in the share) and whether it was delivered within the target, through
    the same definition as fct_alerts (macro alert_facts).
    A table, so that A1 does not read and check every alert of the month again
    after each new file; an incremental build recomputes the touched alert
    partitions only (_pkey, from stg_alerts__touched_keys), from the rows already
    typed and checked in stg_alerts__touched_checked. #}

with facts as (
    {{ alert_facts('(' ~ recomputed_staged_rows('alerts') ~ ')') }}
),

final as (
    select
        {{ row_key(['alert_id']) }} as _pkey,
        segment,
        alert_code,
        suppressed,
        is_within_sla
    from facts
    where {{ in_period('received_at') }}
)

select * from final
