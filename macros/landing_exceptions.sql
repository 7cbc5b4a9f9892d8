{#- The rows of one source that are not simply accepted: duplicates,
    quarantined rows, and superseded versions. Everything else read is accepted.

    Called after the model's CTEs (if any) and a comma. `relation` has the typed
    columns, _file, _row, the <name>__text columns and row_reason (the first
    broken rule, or NULL). Only rows that repeat a key (the id, or the whole row
    for sources without an id) need the full duplicate and conflict comparison;
    they are found with a hash aggregate over `keys_from` (default: `relation`),
    so the work stays linear in the rows read.

    Pass relations (a ref, or a CTE used nowhere else), not a CTE that is read
    twice: DuckDB would materialise every column of every row read.

    partition_column (for incremental builds, docs/incremental-builds.md) adds
    _pkey, row_key of that column: every row that can change a row's verdict has
    the same _pkey, so an incremental build recomputes whole partitions. -#}
{% macro landing_exceptions(relation, source_name, id_columns, superseded=none, keys_from=none, partition_column=none) -%}
    {%- set spec = landing_contract(source_name) -%}
    {%- set names = spec | map(attribute=0) | list -%}
    {%- set key_columns = id_columns if id_columns else names -%}
repeated_keys as (
    select {{ row_key(key_columns) }} as _key
    from {{ keys_from if keys_from else relation }}
    group by {{ row_key(key_columns) }}
    having count(*) > 1
),

exceptional as (
    select
        rows_read.*,
        {{ row_key(key_columns) }} in (select _key from repeated_keys) as is_repeated
    from {{ relation }} as rows_read
    where row_reason is not null or {{ row_key(key_columns) }} in (select _key from repeated_keys)
),

candidates as (
    select
        *,
        {{ superseded if superseded else 'false' }} as is_superseded
    from exceptional
    where is_repeated
),

classified as (
    {{ classify_rows('candidates', spec, id_columns, 'is_superseded') }}
),

final as (
    select _file, _row, row_status, reject_reason, is_superseded, {{ raw_values_json(names, '__text') }} as raw_values
        {%- if partition_column %}, {{ row_key([partition_column]) }} as _pkey{% endif %}
    from classified
    where row_status <> 'accepted' or is_superseded
    union all
    select _file, _row, 'quarantined', row_reason, false, {{ raw_values_json(names, '__text') }}
        {%- if partition_column %}, {{ row_key([partition_column]) }}{% endif %}
    from exceptional
    where not is_repeated
)

select * from final
{%- endmacro %}

{#- A `superseded` rule for landing_exceptions: a valid row whose `column` is null
    (an outage still ongoing, an alert not yet sent when extracted) when a valid row
    with the same `same_columns` has a value there: the record was delivered again
    once the value was known. -#}
{% macro filled_in_later(column, same_columns) -%}
    {{ column }} is null and row_reason is null
        and count(case when {{ column }} is not null and row_reason is null then 1 end) over (
            partition by {{ same_columns | join(', ') }}
        ) > 0
{%- endmacro %}
