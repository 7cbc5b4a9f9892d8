{#- Exact continuous median (mean of the two middle values); never approximate. -#}
{% macro median_exact(expr) -%}
    {{ return(adapter.dispatch('median_exact', 'pmr_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__median_exact(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}
