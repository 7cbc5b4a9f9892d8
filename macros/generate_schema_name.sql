{#- Layers live in plain schemas (staging, marts, ...) rather than dbt's
    default "<target>_<custom>" so that ad hoc DuckDB users can find them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
