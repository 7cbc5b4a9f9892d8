{#- One row per DCC Service and availability view (metrics.md §5): the
    national view (segment `All`, only outages with no csp_region) and one view
    per CSP region (segment = region, the national outages plus that region's). -#}

with services as (

    select distinct service from {{ ref('service_components') }}

),

views as (

    select 'All' as segment, cast(null as {{ dbt.type_string() }}) as csp_region
    union all select 'North', 'North'
    union all select 'Central', 'Central'
    union all select 'South', 'South'

),

final as (

    select
        services.service,
        views.segment,
        views.csp_region
    from services
    cross join views

)

select * from final
