{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ clear_recomputed_rows(ref('int_topup_devices_touched_keys'), row_key(['user_id', 'device_key'])) }}"
) }}

{#- One row per top-up attempt chain (int_topup_attempts): its User and
    device, first attempt, number of attempts, the attempt that succeeded (null
    when none did) and the outcome category of pp.attempts (`1`, `2`, `3+`,
    `never`). is_in_period: the first attempt was received in the reporting
    period, so the chain belongs to it (chains that started in the previous
    month belong to that month).
    An incremental build recomputes the touched (User, device) partitions only. -#}

with attempts as (

    select * from {{ ref('int_topup_attempts') }}
    where {{ in_touched_partitions(row_key(['user_id', 'device_key']), ref('int_topup_devices_touched_keys')) }}

),

chains as (

    select
        user_id,
        device_key,
        chain_number,
        min(received_at) as first_attempt_at,
        count(*) as attempts,
        min(case when is_success then attempt_number end) as succeeded_at_attempt
    from attempts
    group by user_id, device_key, chain_number

),

final as (

    select
        user_id,
        device_key,
        chain_number,
        first_attempt_at,
        cast(attempts as integer) as attempts,
        succeeded_at_attempt,
        case
            when succeeded_at_attempt is null then 'never'
            when succeeded_at_attempt = 1 then '1'
            when succeeded_at_attempt = 2 then '2'
            else '3+'
        end as outcome,
        {{ in_period('first_attempt_at') }} as is_in_period
    from chains

)

select * from final
