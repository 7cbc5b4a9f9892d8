{#- Incremental builds (docs/incremental-builds.md): the staging exceptions, the
    request fact and the intermediates of the period recompute only the partitions
    that new files touch. pmr/build_state.py decides before dbt starts and records
    the decision in raw.build_state; build_mode() reads it. -#}

{#- 'incremental' while pmr runs an incremental build (raw.build_state: status
    'building', mode 'incremental'), otherwise 'full' (a full build, or dbt run by
    hand). Read when the SQL runs, not passed as a dbt var: a var that changes
    between builds makes dbt parse the whole project again (about 5 s). While dbt
    parses it is 'full', so a model's incremental branch must not be the only place
    it calls ref() or source(). -#}
{% macro build_mode() -%}
    {%- if not execute -%}
        {{ return('full') }}
    {%- endif -%}
    {%- set state_relation = adapter.get_relation(database=target.get('database'), schema='raw', identifier='build_state') -%}
    {%- if state_relation is none -%}
        {{ return('full') }}
    {%- endif -%}
    {%- set state = run_query("select mode from " ~ state_relation ~ " where status = 'building'") -%}
    {{ return('incremental' if state.rows | length == 1 and state.rows[0][0] == 'incremental' else 'full') }}
{%- endmacro %}

{#- True when this model adds to its previous build instead of replacing it. -#}
{% macro incremental_recompute() -%}
    {{ return(is_incremental() and build_mode() == 'incremental') }}
{%- endmacro %}

{#- The distinct partition keys (row_key of key_column, as typed) of the rows of
    files new since the last build; no rows in a full build. -#}
{% macro touched_keys(source_name, key_column) -%}
    {%- set new_parquet, new_csv = source('landing', source_name ~ '_parquet_new'), source('landing', source_name ~ '_csv_new') -%}
    {%- if build_mode() == 'incremental' %}
    select distinct {{ row_key([typed_value(key_column, 'string')]) }} as _pkey
    from {{ new_parquet }}
    union
    select distinct {{ row_key([typed_value(key_column, 'string')]) }} as _pkey
    from {{ new_csv }}
    {%- else %}
    select {{ row_key(['cast(null as string)']) }} as _pkey
    where false
    {%- endif %}
{%- endmacro %}

{#- The touched partitions (row_key of key_column) that hold rows of files an
    earlier build read (raw.built_files): the only touched partitions whose rows an
    earlier build can have stored, so the only ones a recompute must delete. A
    partition of new rows only, most of a day's file, has nothing to delete, and
    a delete probes every stored row against the keys it is given. No rows in a
    full build. -#}
{% macro replaced_keys(source_name, key_column) -%}
    {%- if build_mode() == 'incremental' %}
    select distinct {{ row_key([key_column]) }} as _pkey
    from {{ ref('stg_' ~ source_name ~ '__touched_checked') }}
    where _file in (select file from {{ source('landing', 'built_files') }} where source = '{{ source_name }}')
    {%- else %}
    select {{ row_key(['cast(null as string)']) }} as _pkey
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

{#- The rows of a stored relation where `condition` holds: in an incremental build
    only those of the touched partitions (partition_key in keys_relation), which are
    few and scattered, so fetched by row id (scattered_rows); otherwise all of them. -#}
{% macro rows_in_touched_partitions(relation, condition, partition_key, keys_relation) -%}
    {%- if incremental_recompute() %}
    {{ scattered_rows(relation, '(' ~ condition ~ ') and ' ~ partition_key ~ ' in (select _pkey from ' ~ keys_relation ~ ')') }}
    {%- else %}
    select * from {{ relation }} where {{ condition }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook of an incremental model: drop the rows about to be recomputed (the
    partitions in keys_relation, by partition_key, an expression over the model's
    columns: the replaced keys of the touched partitions), or all of them when the
    model is recomputed whole into its existing table. -#}
{% macro clear_recomputed_rows(keys_relation, partition_key='_pkey') -%}
    {{ return(adapter.dispatch('clear_recomputed_rows', 'pmr_warehouse')(keys_relation, partition_key)) }}
{%- endmacro %}

{#- Spark: DELETE needs a table format that supports it (Delta, Iceberg); a
    recompute of the whole model empties a Parquet table with TRUNCATE instead. -#}
{% macro spark__clear_recomputed_rows(keys_relation, partition_key) -%}
    {%- if is_incremental() %}
    {%- if build_mode() == 'incremental' %}
    delete from {{ this }}
    where {{ partition_key }} in (select _pkey from {{ keys_relation }})
    {%- else %}
    truncate table {{ this }}
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{% macro default__clear_recomputed_rows(keys_relation, partition_key) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    {%- if build_mode() == 'incremental' %}
    where {{ partition_key }} in (select _pkey from {{ keys_relation }})
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- The accepted rows of source_name that a model built by alert partition reads:
    in an incremental build those of the touched partitions, from the rows already
    typed and checked in stg_<source>__touched_checked; otherwise every staged row. -#}
{% macro recomputed_staged_rows(source_name) -%}
    {%- if incremental_recompute() %}
    {{ staged_rows(source_name, ref('stg_' ~ source_name ~ '__touched_checked'),
                   ref('stg_' ~ source_name ~ '__exceptions')) }}
    {%- else %}
    select * from {{ ref('stg_' ~ source_name) }}
    {%- endif %}
{%- endmacro %}

{#- Body of stg_<source>__touched_checked: every row of the touched partitions (by
    key_column), typed and checked, filtered on the raw key; no rows in a full build. -#}
{% macro touched_rows(source_name, key_column) -%}
    {%- if build_mode() == 'incremental' %}
    {{ checked_rows(source_name, landing_rows(source_name, partition={
        'column': key_column, 'keys': ref('stg_' ~ source_name ~ '__touched_keys')})) }}
    {%- else %}
    select * from {{ ref('stg_' ~ source_name ~ '__checked') }}
    where false
    {%- endif %}
{%- endmacro %}

{#- The rows of `relation` where `condition` holds, for a condition that picks a few
    rows scattered through a big table. DuckDB reads every column of each row group
    a filter leaves, and scattered rows leave nearly all of them; finding the row ids
    first reads only the condition's columns (at scale 0.1, the 45,000 requests of
    int_requests_stored_rows among 51 M in the request fact: 1.9 s by filter, 0.3 s
    by row id). -#}
{% macro scattered_rows(relation, condition) -%}
    {{ return(adapter.dispatch('scattered_rows', 'pmr_warehouse')(relation, condition)) }}
{%- endmacro %}

{% macro default__scattered_rows(relation, condition) -%}
    select * from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro duckdb__scattered_rows(relation, condition) -%}
    select * from {{ relation }}
    where rowid in (select rowid from {{ relation }} where {{ condition }})
{%- endmacro %}
