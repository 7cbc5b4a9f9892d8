{#- Long-format metric rows (docs/adding-a-metric.md) from a wide relation:
    one select per metric id, stacked. `metrics` maps metric_id -> column;
    `breakdowns` maps breakdown column -> expression (the others are NULL);
    `keep_empty` lists metric ids whose NULL values become rows anyway (a count
    the gate then warns about, or a figure that metrics.md §8 publishes empty when
    it cannot be computed, such as ic.deviation on a forecast of 0); other NULL
    values produce no row. -#}
{% macro metric_rows(relation, metrics, breakdowns, day='day', keep_empty=[]) -%}
    {#- a misspelt id would silently drop the empty rows it was meant to keep -#}
    {%- for metric_id in keep_empty if metric_id not in metrics -%}
        {{ exceptions.raise_compiler_error(
            "metric_rows: keep_empty names " ~ metric_id ~ ", not one of the metric ids it is given: "
            ~ (metrics.keys() | join(', '))) }}
    {%- endfor -%}
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
