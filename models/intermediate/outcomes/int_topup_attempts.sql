{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('int_topup_devices_touched_keys'), row_key(['user_id', 'device_key'])) }}"
) }}

{#- One row per deliverable 2.2 (Top Up Device) request received from
    pp_chain_gap_s (24 h) before the reporting period to pp_chain_follow_up_s
    (7 days) after it, placed in its attempt chain (PP1, metrics.md §4).

    Chains are formed per User and device in received_at order (ties by
    request_id): a request joins the open chain when the previous request of
    the same User and device did not succeed and was received at most
    pp_chain_gap_s earlier; otherwise it starts a new chain. So a chain ends at
    its first success. Rejected requests are not attempts: they neither join
    nor bridge a chain. A request without a device_id is a chain of its own.

    Gaps and islands: lag() gives each request its predecessor, a running sum
    of the chain starts numbers the chains (chain_number). Looking back one gap
    before the period is enough to attribute every chain to the month of its
    first attempt: a request of the period whose predecessor is further back
    starts a chain anyway.

    An incremental build recomputes the touched (User, device) partitions only
    (int_topup_devices_touched_keys): chains never cross them. -#}

with top_ups as (

    select
        request_id,
        user_id,
        {{ device_key() }} as device_key,
        device_id,
        device_type,
        segment,
        received_at,
        final_response_code,
        is_success
    from {{ ref('fct_service_requests') }}
    where srv = '2.2'
        and not is_transform
        and is_deliverable
        and received_at >= {{ dbt.dateadd('second', '-1 * ' ~ parameter_value('pp_chain_gap_s'), period_start_utc()) }}
        and received_at < {{ dbt.dateadd('second', parameter_value('pp_chain_follow_up_s'), period_end_utc()) }}

),

requests as (

    select * from top_ups
    where {{ in_touched_partitions(row_key(['user_id', 'device_key']), ref('int_topup_devices_touched_keys')) }}

),

with_previous as (

    select
        requests.*,
        lag(received_at) over (
            partition by user_id, device_key order by received_at, request_id
        ) as previous_received_at,
        lag(is_success) over (
            partition by user_id, device_key order by received_at, request_id
        ) as previous_succeeded
    from requests

),

flagged as (

    select
        with_previous.*,
        case
            when previous_received_at is null then 1
            when previous_succeeded then 1
            when {{ seconds_between('previous_received_at', 'received_at') }}
                > {{ parameter_value('pp_chain_gap_s') }} then 1
            else 0
        end as starts_chain
    from with_previous

),

numbered as (

    select
        flagged.*,
        sum(starts_chain) over (
            partition by user_id, device_key order by received_at, request_id
            rows between unbounded preceding and current row
        ) as chain_number
    from flagged

),

final as (

    select
        request_id,
        user_id,
        device_key,
        device_id,
        device_type,
        segment,
        received_at,
        final_response_code,
        is_success,
        starts_chain = 1 as starts_chain,
        cast(chain_number as integer) as chain_number,
        cast(row_number() over (
            partition by user_id, device_key, chain_number order by received_at, request_id
        ) as integer) as attempt_number
    from numbered

)

select * from final
