{#- The rows of one source that are not simply accepted: duplicates,
    quarantined rows, and superseded versions. Everything else read is accepted.

    Called after the model's CTEs and a comma. `relation` has the typed columns,
    _file, _row, the <name>__text columns and row_reason (the first broken rule,
    or NULL). Only rows that repeat a key (the id, or the whole row for
    sources without an id) need the full duplicate and conflict comparison; they
    are found with a hash aggregate, so the work stays linear in the rows read. -#}
{% macro landing_exceptions(relation, source_name, id_columns, superseded=none) -%}
    {%- set spec = landing_contract(source_name) -%}
    {%- set names = spec | map(attribute=0) | list -%}
    {%- set key_columns = id_columns if id_columns else names -%}
keyed as (
    select *, {{ row_key(key_columns) }} as _key
    from {{ relation }}
),

repeated_keys as (
    select _key from keyed group by _key having count(*) > 1
),

exceptional as (
    select keyed.*, keyed._key in (select _key from repeated_keys) as is_repeated
    from keyed
    where row_reason is not null or _key in (select _key from repeated_keys)
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
    from classified
    where row_status <> 'accepted' or is_superseded
    union all
    select _file, _row, 'quarantined', row_reason, false, {{ raw_values_json(names, '__text') }}
    from exceptional
    where not is_repeated
)

select * from final
{%- endmacro %}
