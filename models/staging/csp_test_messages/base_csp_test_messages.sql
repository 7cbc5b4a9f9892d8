{#- Every row read from csp_test_messages files, typed, with its verdict. -#}
{%- set spec = [
    ['csp_region', 'string', true],
    ['sent_at', 'timestamp', true],
    ['rtt_ms', 'integer', false],
] -%}

with raw as (
    select * from {{ source('landing', 'csp_test_messages') }}
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
            "case when rtt_ms < 0 then 'invalid rtt_ms: negative' end",
        ]) }} as row_reason
    from typed
),

{{ classify_rows('checked', spec, []) }}
