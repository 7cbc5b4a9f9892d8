{#- response_follow_up_s is how long after the month a request may still get its final
    response within target: the longest TRT of the SRV catalogue. A TRT edited in
    srv_catalogue.csv must move the parameter with it, or the report calls figures
    final too early. Returns a row when they differ. Dagster shows it as a check of
    the parameters seed (a test of two refs is otherwise only an observation). -#}
{{ config(meta={'dagster': {'ref': {'name': 'parameters'}}}) }}

select p.value as response_follow_up_s, max(c.trt_s) as longest_trt_s
from {{ ref('parameters') }} p
cross join {{ ref('srv_catalogue') }} c
where p.parameter = 'response_follow_up_s'
group by p.value
having p.value <> max(c.trt_s)
