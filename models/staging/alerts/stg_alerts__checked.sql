{{ config(materialized='view') }}

{#- Every row read from alerts files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with landing as (
    {{ landing_rows('alerts') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when alert_kind not in ('device', 'dcc') then 'unknown alert_kind' end,
            case when alert_kind = 'device' and not {{ matches_pattern('alert_code', '[0-9A-F]{4}') }} then 'unknown alert_code' end,
            case when alert_kind = 'dcc' and not {{ matches_pattern('alert_code', '(N|AD)[0-9]+') }} then 'unknown alert_code' end,
            {{ valid_device_type('device_type') }},
            {{ valid_segment_columns('smets', 'csp_region') }},
            case when delivered_at < received_at then 'end before start: delivered_at before received_at' end,
            case when suppressed and delivered_at is not null then 'suppressed alert with a delivered_at' end
        ) as row_reason
    from landing
)

select * from final
