{#- Incremental builds (docs/incremental-builds.md): the staging exceptions, the
    request fact and the intermediates of the period recompute only the partitions
    that new files touch. `pmr run` passes var build_mode = 'incremental' only when
    the warehouse holds a complete build of the same period and definitions and the
    landing folder only gained files since (pmr/build_state.py); otherwise 'full',
    with --full-refresh. -#}

{#- True when this model adds to its previous build instead of replacing it. -#}
{% macro incremental_recompute() -%}
    {{ return(is_incremental() and var('build_mode', 'full') == 'incremental') }}
{%- endmacro %}

{#- The distinct partition keys (row_key of key_column, as typed) of the rows of
    files new since the last build; no rows in a full build. -#}
{% macro touched_keys(source_name, key_column) -%}
    {%- if var('build_mode', 'full') == 'incremental' %}
    select distinct {{ row_key([typed_value(key_column, 'string')]) }} as _pkey
    from {{ source('landing', source_name ~ '_parquet_new') }}
    union
    select distinct {{ row_key([typed_value(key_column, 'string')]) }} as _pkey
    from {{ source('landing', source_name ~ '_csv_new') }}
    {%- else %}
    select {{ row_key(['cast(null as varchar)']) }} as _pkey
    where false
    {%- endif %}
{%- endmacro %}

{#- Filter of an incremental model's input: true for the rows of the touched
    partitions (partition_key in touched_keys_relation) in an incremental build,
    for every row otherwise. -#}
{% macro in_touched_partitions(partition_key, touched_keys_relation) -%}
    {%- if incremental_recompute() -%}
    {{ partition_key }} in (select _pkey from {{ touched_keys_relation }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental model: drop the rows about to be recomputed (the
    touched partitions: partition_key, an expression over the model's columns,
    in touched_keys_relation), or all of them when the model is recomputed whole
    into its existing table. -#}
{% macro clear_recomputed_rows(touched_keys_relation, partition_key='_pkey') -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    {%- if var('build_mode', 'full') == 'incremental' %}
    where {{ partition_key }} in (select _pkey from {{ touched_keys_relation }})
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- Body of stg_<source>__touched_checked: every row of the touched partitions (by
    key_column), typed and checked, filtered on the raw key; no rows in a full build. -#}
{% macro touched_rows(source_name, key_column) -%}
    {%- if var('build_mode', 'full') == 'incremental' %}
    {{ checked_rows(source_name, landing_rows(source_name, partition={
        'column': key_column, 'keys': ref('stg_' ~ source_name ~ '__touched_keys')})) }}
    {%- else %}
    select * from {{ ref('stg_' ~ source_name ~ '__checked') }}
    where false
    {%- endif %}
{%- endmacro %}
