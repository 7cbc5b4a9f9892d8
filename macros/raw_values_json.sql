{#- The text of a row's contract columns as a JSON object, for the quarantine:
    <name><suffix> (the text as read) where present, else the typed value. -#}
{% macro raw_values_json(columns, suffix='') -%}
    {{ return(adapter.dispatch('raw_values_json', 'pmr_warehouse')(columns, suffix)) }}
{%- endmacro %}

{% macro default__raw_values_json(columns, suffix) -%}
    cast(json_object({% for c in columns %}'{{ c }}', coalesce({{ c }}{{ suffix }}, cast({{ c }} as string)){{ ", " if not loop.last }}{% endfor %}) as string)
{%- endmacro %}

{% macro spark__raw_values_json(columns, suffix) -%}
    to_json(named_struct({% for c in columns %}'{{ c }}', coalesce({{ c }}{{ suffix }}, cast({{ c }} as string)){{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}
