{#- Generic test: fails on every row of the model for which `expression` is false.
    As in dbt_utils, a NULL result does not fail (test not_null separately where
    NULL is wrong). Use it at model level for row invariants, e.g. the accounting
    identity of landing_accounting:

        data_tests:
          - expression_is_true:
              arguments:
                expression: "rows_read = accepted + duplicates + quarantined"
-#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
