{#- dbt wraps the model a generic test reads in get_where_subquery (the `where`
    config). In an incremental build (docs/incremental-builds.md) the tests of
    the models that add to their previous build read only the partitions that
    new files touched: every row of a partition is in it, so a unique test still
    sees every row with that key, and the rows outside were tested by the build
    that made them, under the same definitions (pmr/build_state.py). -#}
{% macro get_where_subquery(relation) -%}
    {%- set partitions = {
        'stg_alerts': ('alert_id', 'stg_alerts__touched_keys'),
        'stg_service_requests': ('request_id', 'stg_service_requests__touched_keys'),
        'stg_service_responses': ('request_id', 'stg_service_responses__touched_keys'),
        'int_request_final_responses': ('request_id', 'int_requests_touched_keys'),
        'fct_service_requests': ('request_id', 'int_requests_touched_keys'),
    } -%}
    {%- set partition = partitions.get(relation.identifier) if var('build_mode', 'full') == 'incremental' else none -%}
    {%- if partition -%}
        {%- set where = config.get('where', '') -%}
        {%- set filtered -%}
            (select * from {{ relation }}
             where {{ row_key([partition[0]]) }} in (select _pkey from {{ model_relation(partition[1]) }})
             {%- if where %} and ({{ where }}){% endif %}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
    {%- endif -%}
{%- endmacro %}

{#- The relation of a model of this project, by name (for macros that cannot ref). -#}
{% macro model_relation(name) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('model_relation: no model named ' ~ name) }}
{%- endmacro %}
