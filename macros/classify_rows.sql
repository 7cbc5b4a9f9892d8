{#- A query giving the verdict on rows that share an id (or, for sources without
    an id, a whole-row key), given a relation with the typed columns, _file,
    _row, row_reason and (optionally) a superseded flag:

    - duplicate: an exact copy of an earlier row (by file name, then row), counted once:
      equal typed values, and where a value did not convert, the same raw text, or for
      a timestamp out of range the same instant (so the copy of a row in CSV and in
      Parquet, whose texts of one timestamp differ, is still a copy);
    - quarantined: breaks a rule, or shares its id with a different row
      ("conflicting contents": no version can be trusted, so none is used);
    - accepted: everything else, including rows flagged superseded (an earlier
      version of a record the source legitimately updates, such as an incident),
      which take no part in the conflict check, unless the later versions conflict:
      then the id's earlier versions are quarantined with them.
    Adds is_duplicate, row_status and reject_reason. -#}
{% macro classify_rows(relation, spec, id_columns, superseded=none) -%}
    with numbered as (
        select
            *,
            row_number() over (
                partition by
                {%- for name, type, required in spec %}
                    {{ name }}{% if type != 'string' %}, case when {{ name }} is null then {{ unconverted_value(name, type) }} end{% endif %}{{ "," if not loop.last }}
                {%- endfor %}
                order by _file, _row
            ) > 1 as is_duplicate
        from {{ relation }}
    ),

    with_conflicts as (
        select
            *,
            {%- if id_columns %}
            count(case when not is_duplicate and row_reason is null{% if superseded %} and not {{ superseded }}{% endif %} then 1 end)
                over (partition by {{ id_columns | join(', ') }}) as versions_of_id
            {%- else %}
            1 as versions_of_id
            {%- endif %}
        from numbered
    )

    select
        *,
        case
            when is_duplicate then null
            when row_reason is not null then row_reason
            {#- before superseded: an earlier version of an id whose later versions conflict
                is not superseded by any of them, and the id is not used at all #}
            when versions_of_id > 1 then 'conflicting contents for the same {{ id_columns | join(", ") }}'
            {%- if superseded %}
            when {{ superseded }} then null
            {%- endif %}
        end as reject_reason,
        case
            when is_duplicate then 'duplicate'
            when row_reason is not null then 'quarantined'
            when versions_of_id > 1 then 'quarantined'
            {%- if superseded %}
            when {{ superseded }} then 'accepted'
            {%- endif %}
            else 'accepted'
        end as row_status
    from with_conflicts
{%- endmacro %}

{#- What identifies a value that did not convert to its type: its text, except that a
    timestamp that parses but lies out of range is the instant it names, however
    written ("2150-01-01T01:00:00+01:00" in CSV, a TIMESTAMPTZ in Parquet). -#}
{% macro unconverted_value(name, type) -%}
    {%- if type == 'timestamp' -%}
        coalesce(cast({{ parse_utc_timestamp(name ~ '__text') }} as string), {{ name }}__text)
    {%- else -%}
        {{ name }}__text
    {%- endif -%}
{%- endmacro %}
