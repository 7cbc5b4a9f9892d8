{#- dbt-spark's own spark__load_csv_rows binds each seed value as '%s' with the value
    pasted in unescaped in session mode, so a quote in a value (New Year's Day) breaks
    the insert and an empty cell arrives as the text 'None'. The root project's macro
    takes its place in the dbt namespace: the same batched inserts, with every value
    written as a SQL literal here and no bindings. Only the spark adapter dispatches
    to it; DuckDB loads seeds its own way. -#}
{% macro spark__load_csv_rows(model, agate_table) %}

  {% set batch_size = get_batch_size() %}
  {% set column_override = model['config'].get('column_types', {}) %}

  {% set statements = [] %}

  {% for chunk in agate_table.rows | batch(batch_size) %}
      {% set sql %}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for col_name in agate_table.column_names -%}
                  {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                  {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                  {%- if not loop.last %},{% endif -%}
              {%- endfor -%})
              {%- if not loop.last %},{% endif %}
          {% endfor %}
      {% endset %}

      {% do adapter.add_query(sql, abridge_sql_log=True) %}

      {% if loop.index0 == 0 %}
          {% do statements.append(sql) %}
      {% endif %}
  {% endfor %}

  {# Return SQL so we can render it out into the compiled files #}
  {{ return(statements[0]) }}
{% endmacro %}


{#- One seed value as a Spark SQL literal: null for an empty cell, true/false, a
    number as written, anything else (text, dates) a quoted string with backslashes
    and quotes escaped the way Spark's parser reads them; the cast in the insert
    gives it the column's type. -#}
{% macro spark_seed_literal(value) -%}
  {%- if value is none -%}
    null
  {%- elif value is sameas true or value is sameas false -%}
    {{ 'true' if value else 'false' }}
  {%- elif value is number -%}
    {{ value }}
  {%- else -%}
    '{{ (value | string) | replace('\\', '\\\\') | replace("'", "\\'") }}'
  {%- endif -%}
{%- endmacro %}
