{% macro check_built_period() %}
  {#- The models of the reporting period keep only its rows, and each reads the tables
      the last build made: a selection built by hand for another period would relabel
      them (a metric model of December counting October's requests). pmr records the
      period of the build in raw.build_state before dbt starts, so its own builds agree. -#}
  {%- if execute and target.type == 'duckdb' -%}
    {%- set state = adapter.get_relation(database=target.get('database'), schema='raw', identifier='build_state') -%}
    {%- if state is not none -%}
      {%- set built = run_query("select max(period) from " ~ state).columns[0].values()[0] -%}
      {%- if built and built != var('period') -%}
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
