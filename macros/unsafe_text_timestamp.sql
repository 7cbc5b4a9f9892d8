{#- Text timestamps that DuckDB would read at an instant the extract did not give, which
    staging quarantines as unparsable (docs/decision-log.md, "Timestamps without an
    offset"): anything but a date, a time of day and at most an offset of the contract's
    kinds (Z, ±HH, ±HHMM, ±HH:MM, up to ±14:00). So a date alone (midnight, a time of
    day made up), a time-zone name (ICU reads "BST" as Bangladesh and "IST" as India,
    "GMT+1" as UTC+1 but "Etc/GMT+5" as UTC-5) and an offset beyond ±14:00 or with
    minutes past 59 are refused. One regular expression: it costs about a third of the
    string functions it replaced, on every timestamp of every CSV row (and of a Parquet
    file that writes timestamps as text). NULL for a NULL value. -#}
{% macro unsafe_text_timestamp(expr) -%}
    (not {{ matches_pattern(expr,
        '[ ]*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?'
        ~ '(Z|[+-](0[0-9]|1[0-3])(:?[0-5][0-9])?|[+-]14(:?00)?)?[ ]*') }})
{%- endmacro %}
