{#- A quantity as a whole number of units of 10^-decimals (default: microseconds of a
    number of seconds, the precision of a timestamp): the integers sum_exact and
    mean_exact add, so a total never depends on the order the rows arrive in. -#}
{% macro whole_units(expr, decimals=6) -%}
    cast(round(({{ expr }}) * 1e{{ decimals }}) as bigint)
{%- endmacro %}
