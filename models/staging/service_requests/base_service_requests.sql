{#- Every row read from service_requests files, typed, with its verdict. -#}
{%- set spec = [
    ['request_id', 'string', true],
    ['received_at', 'timestamp', true],
    ['user_id', 'string', true],
    ['user_role', 'string', true],
    ['srv', 'string', true],
    ['command_variant', 'integer', true],
    ['device_id', 'string', false],
    ['device_type', 'string', false],
    ['smets', 'string', true],
    ['csp_region', 'string', false],
    ['execution_at', 'timestamp', false],
    ['dsp_processing_ms', 'integer', false],
] -%}

with raw as (
    select * from {{ source('landing', 'service_requests') }}
),

srv_catalogue as (
    select srv as catalogue_srv, applies_to_smets1 from {{ ref('srv_catalogue') }}
),

typed as (
    select
        _file,
        _row,
        {{ typed_contract_columns(spec) }}
    from raw
),

checked as (
    select
        typed.*,
        {{ first_reason([
            contract_violation(spec),
            "case when user_role not in ('IS', 'ES', 'GS', 'ED', 'GT', 'OU', 'RSA') then 'unknown user_role' end",
            "case when catalogue_srv is null then 'unknown srv' end",
            "case when command_variant not between 1 and 8 then 'invalid command_variant: not 1-8' end",
            "case when dsp_processing_ms < 0 then 'invalid dsp_processing_ms: negative' end",
            valid_device_type('device_type'),
            valid_segment_columns('smets', 'csp_region'),
            "case when smets = 'SMETS1' and not srv_catalogue.applies_to_smets1 then 'srv not applicable to SMETS1' end",
        ]) }} as row_reason
    from typed
    left join srv_catalogue on typed.srv = srv_catalogue.catalogue_srv
),

{{ classify_rows('checked', spec, ['request_id']) }}
