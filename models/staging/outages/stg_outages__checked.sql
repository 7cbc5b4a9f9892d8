{{ config(materialized='view') }}

{#- Every row read from outages files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with components as (
    select distinct component as known_component from {{ ref('service_components') }}
),

landing as (
    {{ landing_rows('outages') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when known_component is null then 'unknown component' end,
            case when csp_region is not null and csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end,
            case when ended_at < started_at then 'end before start: ended_at before started_at' end
        ) as row_reason
    from landing
    left join components on landing.component = components.known_component
)

select * from final
