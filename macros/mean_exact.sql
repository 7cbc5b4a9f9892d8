{#- Arithmetic mean of a number of seconds (or any quantity) summed exactly, as whole
    units of 10^-decimals (default: microseconds, the precision of a timestamp).
    avg() over doubles adds them in whatever order the threads finish, so over
    millions of rows its last digits change from run to run; an integer sum does not,
    and metrics.csv must be byte-identical on a re-run. -#}
{% macro mean_exact(expr, decimals=6) -%}
    {{ return(adapter.dispatch('mean_exact', 'pmr_warehouse')(expr, decimals)) }}
{%- endmacro %}

{% macro default__mean_exact(expr, decimals=6) -%}
    (sum({{ whole_units(expr, decimals) }}) / nullif(count({{ expr }}), 0) / 1e{{ decimals }})
{%- endmacro %}
