{#- The value of `value_expr` on the row where the ordering key list is smallest
    (an aggregate). Several keys break ties deterministically. -#}
{% macro value_at_min(value_expr, order_exprs) -%}
    {{ return(adapter.dispatch('value_at_min', 'pmr_warehouse')(value_expr, order_exprs)) }}
{%- endmacro %}

{% macro default__value_at_min(value_expr, order_exprs) -%}
    arg_min({{ value_expr }}, struct_pack({% for e in order_exprs %}k{{ loop.index }} := {{ e }}{{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}

{% macro spark__value_at_min(value_expr, order_exprs) -%}
    min_by({{ value_expr }}, struct({{ order_exprs | join(', ') }}))
{%- endmacro %}
