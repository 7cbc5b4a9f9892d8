{#- Sum of a number of seconds (or any quantity) added exactly, as whole units of
    10^-decimals (default: microseconds, the precision of a timestamp), then
    converted back once. sum() over doubles adds them in the order the rows arrive,
    and that order changes from run to run (parallel threads, tables written in
    parallel), so the last digits of the total would too; metrics.csv must be
    byte-identical on a re-run. -#}
{% macro sum_exact(expr, decimals=6) -%}
    {{ return(adapter.dispatch('sum_exact', 'pmr_warehouse')(expr, decimals)) }}
{%- endmacro %}

{% macro default__sum_exact(expr, decimals=6) -%}
    (sum({{ whole_units(expr, decimals) }}) / 1e{{ decimals }})
{%- endmacro %}
