{#- Mean CSP test-message round trip (s) per region, per UK day and for the whole
    period (day null): the HAN part of the interim HAN-free speed (metrics.md §3).
    Probes with no reply carry no round trip and are left out of the mean. -#}

with probes as (
    select csp_region, {{ uk_date('sent_at') }} as day, rtt_ms
    from {{ ref('stg_csp_test_messages') }}
    where {{ in_period('sent_at') }} and rtt_ms is not null
),

final as (
    select
        csp_region as segment,
        day,
        avg(rtt_ms) / 1000.0 as mean_test_rtt_s,
        count(*) as probes
    from probes
    group by grouping sets ((csp_region, day), (csp_region))
)

select * from final
