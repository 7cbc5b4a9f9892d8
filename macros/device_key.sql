{#- The device a request is about, as a partition key: its device_id, or the
    request itself (a chain or correction of its own) when it names no device. -#}
{% macro device_key(device_id='device_id', request_id='request_id') -%}
    coalesce({{ device_id }}, '#' || {{ request_id }})
{%- endmacro %}
