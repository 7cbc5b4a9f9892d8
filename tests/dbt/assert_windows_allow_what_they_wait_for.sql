{#- A window must allow at least the time of what it waits for, or what happens within
    target is counted as missed, and the figures waiting on it are called final too
    early. It catches a window entered in the wrong unit, such as fw_delivery_window_s
    = 5 meant as 5 days, or pp_chain_gap_s = 24 meant as 24 hours. Returns a row per
    window that is shorter.
    - A window for an SRV's final response allows that SRV's Target Response Time (the
      longer of trt_s and smets1_trt_s): DF1's for 11.1, B1's for 4.6.1, and the
      follow-on response of CoS1's correction (6.23) and PP1's next attempt (2.2).
    - A window for a retry allows the failed request's TRT, since the retry follows its
      failure response: CoS1's correction of a failed 6.23, PP1's next attempt of 2.2.
    - PP1's follow-up past the period allows one gap between attempts, or a chain open
      at the period's end could not be followed to its next attempt. -#}
{{ config(meta={'dagster': {'ref': {'name': 'parameters'}}}) }}

with trt_windows as (
    select 'fw_delivery_window_s' as parameter, '11.1' as srv
    union all select 'billing_read_window_s', '4.6.1'
    union all select 'follow_on_response_s', '6.23'
    union all select 'follow_on_response_s', '2.2'
    union all select 'cos_correction_window_s', '6.23'
    union all select 'pp_chain_gap_s', '2.2'
),

bounds as (
    select
        trt_windows.parameter,
        'the TRT of ' || trt_windows.srv as must_allow,
        greatest(catalogue.trt_s, coalesce(catalogue.smets1_trt_s, 0)) as bound_s
    from trt_windows
    inner join {{ ref('srv_catalogue') }} as catalogue on catalogue.srv = trt_windows.srv

    union all

    select 'pp_chain_follow_up_s', 'pp_chain_gap_s', value
    from {{ ref('parameters') }}
    where parameter = 'pp_chain_gap_s'
)

select
    bounds.parameter,
    parameters.value as window_s,
    bounds.must_allow,
    bounds.bound_s
from bounds
inner join {{ ref('parameters') }} as parameters on parameters.parameter = bounds.parameter
where parameters.value < bounds.bound_s
