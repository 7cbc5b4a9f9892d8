{#- Every row read from outages files, typed, with its verdict. An outage first
    delivered while ongoing (ended_at null) and later with its end is one
    outage: the open version is superseded, not a conflict. -#}
{%- set spec = [
    ['outage_id', 'string', true],
    ['component', 'string', true],
    ['started_at', 'timestamp', true],
    ['ended_at', 'timestamp', false],
    ['planned', 'boolean', true],
    ['csp_region', 'string', false],
    ['description', 'string', false],
] -%}

with raw as (
    select * from {{ source('landing', 'outages') }}
),

components as (
    select distinct component as known_component from {{ ref('service_components') }}
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
            "case when known_component is null then 'unknown component' end",
            "case when csp_region is not null and csp_region not in ('North', 'Central', 'South') then 'unknown csp_region' end",
            "case when ended_at < started_at then 'end before start: ended_at before started_at' end",
        ]) }} as row_reason
    from typed
    left join components on typed.component = components.known_component
),

with_updates as (
    select
        *,
        ended_at is null and row_reason is null
        and count(case when ended_at is not null and row_reason is null then 1 end) over (
            partition by outage_id, component, started_at, planned, csp_region
        ) > 0 as is_superseded
    from checked
),

{{ classify_rows('with_updates', spec, ['outage_id'], superseded='is_superseded') }}
