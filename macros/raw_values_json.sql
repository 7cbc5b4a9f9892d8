{#- The raw text of a row's contract columns as a JSON object, for the quarantine. -#}
{% macro raw_values_json(columns, prefix='') -%}
    {{ return(adapter.dispatch('raw_values_json', 'pmr_warehouse')(columns, prefix)) }}
{%- endmacro %}

{% macro default__raw_values_json(columns, prefix) -%}
    cast(json_object({% for c in columns %}'{{ c }}', {{ prefix }}{{ c }}{{ ", " if not loop.last }}{% endfor %}) as varchar)
{%- endmacro %}

{% macro spark__raw_values_json(columns, prefix) -%}
    to_json(named_struct({% for c in columns %}'{{ c }}', {{ prefix }}{{ c }}{{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}
