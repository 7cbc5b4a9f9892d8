{#- The Anscombe z-score of a Poisson count against its expected value,
    2 x (sqrt(observed + 3/8) - sqrt(expected + 3/8)), roughly standard normal:
    how far below (negative) or above expected a count is. -#}
{% macro anscombe_z(observed, expected) -%}
    2 * (sqrt({{ observed }} + 0.375) - sqrt({{ expected }} + 0.375))
{%- endmacro %}
