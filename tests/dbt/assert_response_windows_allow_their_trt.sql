{#- A window that waits for an SRV's final response must allow at least that SRV's
    Target Response Time (the longer of trt_s and smets1_trt_s): shorter, a response
    within target would count as late, and the figures waiting on it would be called
    final too early. It catches a window entered in the wrong unit, such as
    fw_delivery_window_s = 5 meant as 5 days. Returns a row per window that is
    shorter. -#}
{{ config(meta={'dagster': {'ref': {'name': 'parameters'}}}) }}

with windows as (
    select 'fw_delivery_window_s' as parameter, '11.1' as srv
    union all select 'billing_read_window_s', '4.6.1'
    union all select 'follow_on_response_s', '6.23'
    union all select 'follow_on_response_s', '2.2'
)

select
    windows.parameter,
    parameters.value as window_s,
    windows.srv,
    greatest(catalogue.trt_s, coalesce(catalogue.smets1_trt_s, 0)) as trt_s
from windows
inner join {{ ref('parameters') }} as parameters on parameters.parameter = windows.parameter
inner join {{ ref('srv_catalogue') }} as catalogue on catalogue.srv = windows.srv
where parameters.value < greatest(catalogue.trt_s, coalesce(catalogue.smets1_trt_s, 0))
