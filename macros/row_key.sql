{#- A 64-bit hash of some columns, to find rows that may repeat an id or a whole
    row cheaply; equal keys are then compared exactly, so a collision can only
    cost time, never a wrong verdict. -#}
{% macro row_key(columns) -%}
    {{ return(adapter.dispatch('row_key', 'pmr_warehouse')(columns)) }}
{%- endmacro %}

{% macro default__row_key(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_key(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
