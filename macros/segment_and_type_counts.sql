{#- A count of a mart grouped by segment x device type (device_type null = all types) on
    the grid a count needs (metrics.md §8: counts are 0, not missing): every segment
    (segment_spine) x all types and each device type the mart has a count for, with
    `count_column` 0 where the mart has no row. Columns: segment, device_type,
    count_column. -#}
{% macro segment_and_type_counts(relation, count_column) -%}
    (
        select segments.segment, types.device_type, coalesce(counted.{{ count_column }}, 0) as {{ count_column }}
        from {{ segment_spine() }} as segments
        cross join (
            select distinct device_type from {{ relation }}
            where device_type is not null and {{ count_column }} > 0
            union all select cast(null as {{ dbt.type_string() }})
        ) as types
        left join {{ relation }} as counted
            on segments.segment = counted.segment
            and (counted.device_type = types.device_type
                 or (counted.device_type is null and types.device_type is null))
    )
{%- endmacro %}
