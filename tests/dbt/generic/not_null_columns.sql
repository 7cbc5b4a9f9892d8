{#- Generic test: fails when any of `columns` is null in some row of the model, one
    failing row per such column (its name and how many rows lack it). One scan of the
    model for all its required columns: a not_null test per column costs a dbt node
    each (about 20 ms of dbt's own work on any data, 267 of them when this was
    written) and a scan each on a large table. Use it at model level; a column whose
    rule has a `where` keeps its own not_null test.

        data_tests:
          - not_null_columns:
              name: not_null_fct_alerts
              arguments:
                columns: [alert_id, received_at]
-#}
{% test not_null_columns(model, columns) %}

with rows_without as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as without_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select '{{ column }}' as column_name, without_{{ loop.index }} as rows_without_a_value
from rows_without
where without_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}

{% endtest %}
