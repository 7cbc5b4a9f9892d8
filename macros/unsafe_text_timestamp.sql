{#- Text timestamps that DuckDB would read at an instant the extract did not give, which
    staging quarantines as unparsable (docs/decision-log.md, "Timestamps without an
    offset"): a date alone (midnight, a time of day made up; spaces around it too), a
    time-zone name (ICU reads "BST" as Bangladesh, "IST" as India, and "Europe/London"
    is not the contract's "Z" or offset either) and an offset beyond ±14:00. Plain
    string functions, no regular expression: every timestamp of every CSV row (and
    of a Parquet file that writes timestamps as text) goes through them. NULL for a NULL value. -#}
{% macro unsafe_text_timestamp(expr) -%}
    (length(trim({{ expr }})) <= 10
        or right({{ expr }}, 1) between 'A' and 'Y'
        or right({{ expr }}, 1) between 'a' and 'z'
        or (substr({{ expr }}, -6, 1) in ('+', '-') and substr({{ expr }}, -3, 1) = ':'
            and substr({{ expr }}, -5, 2) > '14')
        or (substr({{ expr }}, -5, 1) in ('+', '-') and substr({{ expr }}, -4, 2) > '14')
        or (substr({{ expr }}, -3, 1) in ('+', '-') and substr({{ expr }}, -2, 2) > '14'))
{%- endmacro %}
