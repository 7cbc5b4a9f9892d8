{#- The first non-null reason of a list of SQL expressions (each a CASE that
    yields a reason or NULL). -#}
{% macro first_reason(reasons) -%}
    coalesce({{ reasons | join(', ') }})
{%- endmacro %}
