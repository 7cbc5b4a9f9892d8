{{ config(materialized='view') }}

{#- Every row read from csp_test_messages files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with landing as (
    {{ landing_rows('csp_test_messages') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end,
            case when rtt_ms < 0 then 'invalid rtt_ms: negative' end
        ) as row_reason
    from landing
)

select * from final
