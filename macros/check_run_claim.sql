{% macro check_run_claim() %}
  {#- read only when the hook runs: an environment variable read while dbt parses would
      make every run, each with its own claim, parse the whole project again -#}
  {%- if execute and target.type == 'duckdb' -%}
    {%- set claim = env_var('PMR_RUN_CLAIM', '') -%}
    {%- if claim -%}
      {%- set holder = run_query("select max(claim) from raw.run_claim").columns[0].values()[0] -%}
      {%- if holder != claim -%}
        {{ exceptions.raise_compiler_error("another run took the warehouse since this run's last step "
                                           ~ "(raw.run_claim): dbt builds nothing for this run") }}
      {%- endif -%}
    {%- endif -%}
  {%- endif -%}
  select 1
{% endmacro %}
