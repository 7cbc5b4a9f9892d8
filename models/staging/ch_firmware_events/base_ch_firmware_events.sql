{#- Every row read from ch_firmware_events files, typed, with its verdict. -#}
{%- set spec = [
    ['ch_id', 'string', true],
    ['csp_region', 'string', true],
    ['firmware_version', 'string', true],
    ['event', 'string', true],
    ['event_at', 'timestamp', true],
] -%}

with raw as (
    select * from {{ source('landing', 'ch_firmware_events') }}
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
            "case when csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end",
            "case when event not in ('image_delivered', 'delivery_failed', 'activated', 'activation_failed') then 'unknown event' end",
        ]) }} as row_reason
    from typed
),

{{ classify_rows('checked', spec, []) }}
