{{ config(materialized='view') }}

{#- Every row read from service_requests files (Parquet and CSV), typed, with row_reason:
    the first rule of the landing contract it breaks, or NULL. -#}

with srv_catalogue as (
    select srv as catalogue_srv, applies_to_smets1 from {{ ref('srv_catalogue') }}
),

landing as (
    {{ landing_rows('service_requests') }}
),

final as (
    select
        landing.*,
        coalesce(
            contract_reason,
            case when user_role not in ('IS', 'ES', 'GS', 'ED', 'GT', 'OU', 'RSA') then 'unknown user_role' end,
            case when catalogue_srv is null then 'unknown srv' end,
            case when command_variant not between 1 and 8 then 'invalid command_variant: not 1-8' end,
            case when dsp_processing_ms < 0 then 'invalid dsp_processing_ms: negative' end,
            {{ valid_device_type('device_type') }},
            {{ valid_segment_columns('smets', 'csp_region') }},
            case when smets = 'SMETS1' and not applies_to_smets1 then 'srv not applicable to SMETS1' end
        ) as row_reason
    from landing
    left join srv_catalogue on landing.srv = srv_catalogue.catalogue_srv
)

select * from final
