{{ config(materialized='view') }}

{#- Every row read from service_responses files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with landing as (
    {{ landing_rows('service_responses') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when not {{ matches_pattern('response_code', 'I0|I99|E[0-9]+') }} then 'unknown response_code' end
        ) as row_reason
    from landing
)

select * from final
