{#- utc_to_uk writes the British Summer Time rule as plain comparisons for speed;
    this test holds it to the time-zone database every quarter hour, 2019-2035,
    both clock changes of every year included. Returns the instants that differ. -#}
{{ config(tags=['duckdb_only']) }}
{#- Dagster shows a test as a check of the one model it depends on (with none, it is
    only an observation): fct_service_requests, whose UK days this rule decides. -#}
-- depends_on: {{ ref('fct_service_requests') }}

with instants as (
    select generate_series as utc_ts
    from generate_series(timestamp '2019-01-01', timestamp '2035-12-31 23:45:00', interval 15 minute)
)

select utc_ts
from instants
where {{ utc_to_uk('utc_ts') }} <> timezone('Europe/London', timezone('UTC', utc_ts))
