{#- The text of a row's contract columns as a JSON object, for the quarantine.
    Reads <name><suffix> for each name. -#}
{% macro raw_values_json(columns, suffix='') -%}
    {{ return(adapter.dispatch('raw_values_json', 'pmr_warehouse')(columns, suffix)) }}
{%- endmacro %}

{% macro default__raw_values_json(columns, suffix) -%}
    cast(json_object({% for c in columns %}'{{ c }}', {{ c }}{{ suffix }}{{ ", " if not loop.last }}{% endfor %}) as varchar)
{%- endmacro %}

{% macro spark__raw_values_json(columns, suffix) -%}
    to_json(named_struct({% for c in columns %}'{{ c }}', {{ c }}{{ suffix }}{{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}
