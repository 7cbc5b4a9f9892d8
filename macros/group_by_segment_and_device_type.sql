{#- GROUP BY for figures "(segment, device_type)" (metrics.md §4): every segment
    and All, each device type and all types together. A request without a device
    type counts in its segment's all-types row only. Select
    coalesce(segment, 'All') and device_type (null = all types). -#}
{% macro group_by_segment_and_device_type() -%}
    group by grouping sets ((segment, device_type), (device_type), (segment), ())
    having not (grouping(device_type) = 0 and device_type is null)
{%- endmacro %}
