{#- PP1 attempts before success (metrics.md §4): one row per outcome category
    `1`, `2`, `3+`, `never` of the top-up chains that belong to the reporting
    period (first attempt received in it; int_topup_chains): the number of
    chains and their share of all the period's chains. All four categories are
    present whenever the period has chains (0 chains = 0%); none otherwise. -#}

with chains as (

    select * from {{ ref('int_topup_chains') }}
    where is_in_period

),

categories as (

    select '1' as outcome, 1 as sort_order
    union all select '2', 2
    union all select '3+', 3
    union all select 'never', 4

),

counted as (

    select outcome, count(*) as chains
    from chains
    group by outcome

),

total as (

    select count(*) as all_chains from chains

),

final as (

    select
        '{{ var("period") }}' as period,
        categories.outcome as category,
        categories.sort_order,
        coalesce(counted.chains, 0) as chains,
        total.all_chains,
        {{ percent_of('coalesce(counted.chains, 0)', 'total.all_chains') }} as pct_chains
    from categories
    cross join total
    left join counted on categories.outcome = counted.outcome
    where total.all_chains > 0

)

select * from final
