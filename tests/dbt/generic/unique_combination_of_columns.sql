{#- Generic test: fails on every combination of `combination_of_columns` that
    occurs more than once in the model (a compound key).

        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [_file, _row]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
