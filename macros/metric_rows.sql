{#- Long-format metric rows (docs/adding-a-metric.md) from a wide relation:
    one select per metric id, stacked. `metrics` maps metric_id -> column;
    `breakdowns` maps breakdown column -> expression (the others are NULL);
    `keep_empty` lists metric ids whose NULL values become rows anyway
    (counts and volumes are reported as 0, other empty figures produce no row). -#}
{% macro metric_rows(relation, metrics, breakdowns, day='day', keep_empty=[]) -%}
    {%- set dims = ['business_process', 'segment', 'device_type', 'service', 'time_band', 'category'] -%}
    {%- for metric_id, column in metrics.items() %}
    select
        '{{ metric_id }}' as metric_id,
        '{{ var("period") }}' as period,
        {{ day if day else 'cast(null as date)' }} as day,
        {%- for dim in dims %}
        {{ breakdowns.get(dim, 'cast(null as string)') }} as {{ dim }},
        {%- endfor %}
        cast({{ column }} as double) as value
    from {{ relation }}
    {%- if metric_id not in keep_empty %}
    where {{ column }} is not null
    {%- endif %}
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
