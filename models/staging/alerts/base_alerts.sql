{#- Every row read from alerts files, typed, with its verdict. -#}
{%- set spec = [
    ['alert_id', 'string', true],
    ['alert_code', 'string', true],
    ['alert_kind', 'string', true],
    ['device_id', 'string', false],
    ['device_type', 'string', false],
    ['smets', 'string', true],
    ['csp_region', 'string', false],
    ['user_id', 'string', true],
    ['request_id', 'string', false],
    ['received_at', 'timestamp', true],
    ['delivered_at', 'timestamp', false],
    ['suppressed', 'boolean', true],
] -%}

with raw as (
    select * from {{ source('landing', 'alerts') }}
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
            "case when alert_kind not in ('device', 'dcc') then 'unknown alert_kind' end",
            "case when alert_kind = 'device' and not " ~ matches_pattern('alert_code', '[0-9A-F]{4}') ~ " then 'unknown alert_code' end",
            "case when alert_kind = 'dcc' and not " ~ matches_pattern('alert_code', '(N|AD)[0-9]+') ~ " then 'unknown alert_code' end",
            valid_device_type('device_type'),
            valid_segment_columns('smets', 'csp_region'),
            "case when delivered_at < received_at then 'end before start: delivered_at before received_at' end",
            "case when suppressed and delivered_at is not null then 'suppressed alert with a delivered_at' end",
        ]) }} as row_reason
    from typed
),

{{ classify_rows('checked', spec, ['alert_id']) }}
