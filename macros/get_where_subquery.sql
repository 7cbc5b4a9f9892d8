{#- dbt wraps the model a generic test reads in get_where_subquery (the `where`
    config). In an incremental build (docs/incremental-builds.md) the tests of
    the models that add to their previous build read only the partitions that
    new files touched: every row of a partition is in it, so a unique test still
    sees every row with that key, and the rows outside were tested by the build
    that made them, under the same definitions (pmr/build_state.py). The staged
    views are tested through the touched rows already read for their exceptions
    (stg_<source>__touched_checked), so a test does not scan the month again. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set staged_views = ('stg_alerts', 'stg_service_requests', 'stg_service_responses') -%}
    {%- set tables = {
        'int_request_final_responses': 'stg_service_responses__touched_keys',
        'fct_service_requests': 'int_requests_touched_keys',
    } -%}
    {#- build_mode() is a query: ask it only for the models it can change -#}
    {%- if relation.identifier not in staged_views and relation.identifier not in tables
           or build_mode() != 'incremental' -%}
        {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
    {%- elif relation.identifier in staged_views -%}
        {%- set source_name = relation.identifier[4:] -%}
        {%- set touched = '(' ~ staged_rows(source_name, model_relation(relation.identifier ~ '__touched_checked'),
                                            model_relation(relation.identifier ~ '__exceptions')) ~ ')' -%}
        {{ return('(select * from ' ~ touched ~ ' as touched' ~ (' where ' ~ where if where else '') ~ ') dbt_subquery') }}
    {%- else -%}
        {%- set filtered -%}
            ({{ scattered_rows(relation, '_pkey in (select _pkey from '
                                         ~ model_relation(tables[relation.identifier]) ~ ')'
                                         ~ (' and (' ~ where ~ ')' if where else '')) }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
{%- endmacro %}

{#- The relation of a model of this project, by name (for macros that cannot ref). -#}
{% macro model_relation(name) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('model_relation: no model named ' ~ name) }}
{%- endmacro %}
