{#- The database of the tables that one build makes and reads and no later build
    or user needs (the touched rows of an incremental build): on DuckDB an in-memory
    database attached by profiles.yml, so those rows are not compressed and written
    to the warehouse file (at scale 0.1, the 5.26 M touched alert rows of a
    month-end run took 15.5 s to stage into the file and 11.6 s into memory);
    elsewhere the target's own. -#}
{% macro scratch_database() -%}
    {{ return('scratch' if target.type == 'duckdb' else target.get('database')) }}
{%- endmacro %}
