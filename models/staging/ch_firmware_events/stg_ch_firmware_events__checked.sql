{{ config(materialized='view') }}

{#- Every row read from ch_firmware_events files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with landing as (
    {{ landing_rows('ch_firmware_events') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end,
            case when event not in ('image_delivered', 'delivery_failed', 'activated', 'activation_failed') then 'unknown event' end
        ) as row_reason
    from landing
)

select * from final
