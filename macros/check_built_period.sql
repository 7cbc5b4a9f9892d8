{% macro check_built_period() %}
  {#- The models of the reporting period keep only its rows, and each reads the tables
      the last build made: a selection built by hand for another period would relabel
      them (a metric model of December counting October's requests), and one built
      after a pmr build stopped half way would read tables of two periods. pmr records
      the period and status of its build in raw.build_state before dbt starts and runs
      dbt with its claim (PMR_RUN_CLAIM), so its own builds agree. -#}
  {%- if execute and target.type == 'duckdb' -%}
    {%- set state = adapter.get_relation(database=target.get('database'), schema='raw', identifier='build_state') -%}
    {%- if state is not none -%}
      {%- set row = run_query("select max(period), max(status) from " ~ state).rows[0] -%}
      {%- set built, status = row[0], row[1] -%}
      {%- if built and status != 'built' and not env_var('PMR_RUN_CLAIM', '') -%}
        {{ exceptions.raise_compiler_error(
             "the last build of this warehouse, of " ~ built ~ ", did not finish (raw.build_state: "
             ~ status ~ "): its tables are partly rebuilt. Finish it before running dbt by hand: "
             ~ "pmr run --month " ~ built) }}
      {%- elif built and built != var('period') -%}
        {{ exceptions.raise_compiler_error(
             "this warehouse holds the build of " ~ built ~ " (raw.build_state) and --vars gives period "
             ~ var('period') ~ ": models built now would read " ~ built ~ "'s tables as " ~ var('period')
             ~ "'s. Pass --vars '{period: \"" ~ built ~ "\"}' to work on " ~ built
             ~ ", or build " ~ var('period') ~ " with: pmr run --month " ~ var('period')) }}
      {%- endif -%}
    {%- endif -%}
  {%- endif -%}
  select 1
{% endmacro %}
