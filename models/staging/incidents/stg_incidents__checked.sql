{{ config(materialized='view') }}

{#- Every row read from incidents files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with landing as (
    {{ landing_rows('incidents') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when category not between 1 and 5 then 'invalid category: not 1-5' end,
            case when csp_region is not null and csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end,
            case when responded_at < raised_at then 'end before start: responded_at before raised_at' end,
            case when resolved_at < raised_at then 'end before start: resolved_at before raised_at' end,
            case when closed_at < raised_at then 'end before start: closed_at before raised_at' end
        ) as row_reason
    from landing
)

select * from final
