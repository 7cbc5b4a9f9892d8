{#- utc_to_uk writes the British Summer Time rule as plain comparisons for speed;
    this test holds it to the time-zone database, 2000-2046: every hour, and every
    quarter hour in the last eight days of March and October, where the clocks
    change (a change put at the wrong minute is caught there, and one on the wrong
    day by the hours). Returns the instants that differ. -#}
{{ config(tags=['duckdb_only']) }}
{#- Dagster shows a test as a check of the one model it depends on (with none, it is
    only an observation): fct_service_requests, whose UK days this rule decides. -#}
-- depends_on: {{ ref('fct_service_requests') }}

with hours as (
    select generate_series as utc_ts
    from generate_series(timestamp '2000-01-01', timestamp '2046-12-31 23:00:00', interval 1 hour)
),

clock_change_weeks as (
    select hours.utc_ts + quarters.offset_minutes * interval 1 minute as utc_ts
    from hours
    cross join (select unnest([15, 30, 45]) as offset_minutes) as quarters
    where month(hours.utc_ts) in (3, 10) and day(hours.utc_ts) >= 24
),

instants as (
    select utc_ts from hours
    union all
    select utc_ts from clock_change_weeks
)

select utc_ts
from instants
where {{ utc_to_uk('utc_ts') }} <> timezone('Europe/London', timezone('UTC', utc_ts))
