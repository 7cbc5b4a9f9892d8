{#- The row rules of the three big sources: given the rows read (landing_rows),
    every column plus row_reason, the first rule of the landing contract the row
    breaks, or NULL. stg_<source>__checked applies them to every row read; an
    incremental build applies them to the rows of the touched partitions only
    (docs/incremental-builds.md). -#}

{% macro service_requests_checked(landing) -%}
    with srv_catalogue as (
        select srv as catalogue_srv, applies_to_smets1 from {{ ref('srv_catalogue') }}
    ),

    landing as (
        {{ landing }}
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
{%- endmacro %}

{% macro service_responses_checked(landing) -%}
    with landing as (
        {{ landing }}
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
{%- endmacro %}

{% macro alerts_checked(landing) -%}
    with landing as (
        {{ landing }}
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
{%- endmacro %}
