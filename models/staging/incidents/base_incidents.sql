{#- Every row read from incidents files, typed, with its verdict. The contract
    says the latest row for an id wins, by the latest of its timestamps:
    earlier versions are superseded (accepted, not staged). -#}
{%- set spec = [
    ['incident_id', 'string', true],
    ['category', 'integer', true],
    ['raised_at', 'timestamp', true],
    ['responded_at', 'timestamp', false],
    ['resolved_at', 'timestamp', false],
    ['closed_at', 'timestamp', false],
    ['responsible_party', 'string', true],
    ['service', 'string', false],
    ['csp_region', 'string', false],
    ['title', 'string', false],
] -%}

with raw as (
    select * from {{ source('landing', 'incidents') }}
),

services as (
    select distinct service as known_service from {{ ref('service_components') }}
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
            "case when category not between 1 and 5 then 'invalid category: not 1-5' end",
            "case when service is not null and known_service is null then 'unknown service' end",
            "case when csp_region is not null and csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end",
            "case when responded_at < raised_at then 'end before start: responded_at before raised_at' end",
            "case when resolved_at < raised_at then 'end before start: resolved_at before raised_at' end",
            "case when closed_at < raised_at then 'end before start: closed_at before raised_at' end",
        ]) }} as row_reason
    from typed
    left join services on typed.service = services.known_service
),

with_updates as (
    select
        *,
        row_reason is null
        and greatest(raised_at, responded_at, resolved_at, closed_at) < max(
            case when row_reason is null then greatest(raised_at, responded_at, resolved_at, closed_at) end
        ) over (partition by incident_id) as is_superseded
    from checked
),

{{ classify_rows('with_updates', spec, ['incident_id'], superseded='is_superseded') }}
