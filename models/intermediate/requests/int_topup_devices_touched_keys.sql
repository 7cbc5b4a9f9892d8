{{ config(materialized='table') }}

{#- The (User, device) partitions of int_user_devices_touched_keys that a touched
    top-up (2.2) request is or was in: the attempt chains an incremental build
    recomputes (int_topup_attempts, int_topup_chains). A partition whose top-ups
    did not change keeps its chains, whatever else its requests did. Empty in a
    full build. #}

select distinct _pkey
from {{ ref('int_user_devices_touched_keys') }}
where srv = '2.2'
