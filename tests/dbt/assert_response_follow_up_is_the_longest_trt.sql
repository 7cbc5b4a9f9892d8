{#- response_follow_up_s is how long after the month a request may still get its final
    response within target: the longest TRT of the SRV catalogue. A TRT edited in
    srv_catalogue.csv must move the parameter with it, or the report calls figures
    final too early. Returns a row when they differ, or when the parameter is missing
    or named twice. Dagster shows it as a check of
    the parameters seed (a test of two refs is otherwise only an observation). -#}
{{ config(meta={'dagster': {'ref': {'name': 'parameters'}}}) }}

with follow_up as (
    select max(value) as response_follow_up_s, count(*) as rows_named
    from {{ ref('parameters') }}
    where parameter = 'response_follow_up_s'
),

longest as (
    select greatest(max(trt_s), coalesce(max(smets1_trt_s), 0)) as longest_trt_s from {{ ref('srv_catalogue') }}
)

-- a row when they differ, or when the parameter is missing or given twice
select follow_up.response_follow_up_s, follow_up.rows_named, longest.longest_trt_s
from follow_up
cross join longest
where follow_up.rows_named <> 1
    or follow_up.response_follow_up_s is distinct from longest.longest_trt_s
