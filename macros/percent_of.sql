{#- 100 x numerator / denominator, as a DOUBLE that is the same on every engine:
    the product is exact (counts and whole seconds), then one IEEE division. With a
    literal 100.0 (a DECIMAL) DuckDB divides as DOUBLE but Spark as a decimal(38, 14),
    rounding the 14th decimal place (found by building the project on Spark). NULL
    when the denominator is NULL or 0: a share of nothing is no figure, where DuckDB
    would give NaN (0 / 0) or infinity and Spark NULL. -#}
{% macro percent_of(numerator, denominator) -%}
    (cast(100 * ({{ numerator }}) as double) / nullif({{ denominator }}, 0))
{%- endmacro %}
