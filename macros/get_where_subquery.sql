{#- dbt wraps the model a generic test reads in get_where_subquery (the `where`
    config). In an incremental build (macros/incremental_staging.sql) the tests
    of the staged views of the big sources read only the partitions that new
    files touched: every row of a partition is in it, so a unique test still
    sees every row with that key, and the rows outside were tested by the build
    that staged them, under the same definitions (pmr/build_state.py). -#}
{% macro get_where_subquery(relation) -%}
    {%- set partition_columns = {
        'stg_alerts': 'alert_id',
        'stg_service_requests': 'request_id',
        'stg_service_responses': 'request_id',
    } -%}
    {%- set where = config.get('where', '') -%}
    {%- set column = partition_columns.get(relation.identifier) if var('build_mode', 'full') == 'incremental' else none -%}
    {%- if column -%}
        {%- set touched = relation.incorporate(path={'identifier': relation.identifier ~ '__touched_keys'}) -%}
        {%- set filtered -%}
            (select * from {{ relation }}
             where {{ row_key([column]) }} in (select _pkey from {{ touched }})
             {%- if where %} and ({{ where }}){% endif %}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
    {%- endif -%}
{%- endmacro %}
