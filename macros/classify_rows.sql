{#- Final verdict on every row read from one source, given a relation with the
    typed columns, _file, _row and row_reason (the first broken rule, or NULL).

    - duplicate: an exact copy of an earlier row (by file name, then row), counted once;
    - quarantined: breaks a rule, or shares its id with a different row
      ("conflicting contents": no version can be trusted, so none is used);
      rows flagged by the `superseded` column (an earlier version of a record
      that the source legitimately updates, such as an incident) are accepted
      and take no part in the conflict check;
    - accepted: everything else.
    Adds row_status and reject_reason. Call it after the model's last CTE and a
    comma: it continues the WITH clause and ends with the final select. -#}
{% macro classify_rows(relation, spec, id_columns, superseded=none) -%}
numbered as (
    select
        *,
        row_number() over (
            partition by {{ row_identity(spec) }} order by _file, _row
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
        {%- if superseded %}
        when {{ superseded }} then null
        {%- endif %}
        when versions_of_id > 1 then 'conflicting contents for the same {{ id_columns | join(", ") }}'
    end as reject_reason,
    case
        when is_duplicate then 'duplicate'
        when row_reason is not null then 'quarantined'
        {%- if superseded %}
        when {{ superseded }} then 'accepted'
        {%- endif %}
        when versions_of_id > 1 then 'quarantined'
        else 'accepted'
    end as row_status
from with_conflicts
{%- endmacro %}
