{#- A relation of the UK local dates of the reporting period, one column `day`. -#}
{% macro period_days() -%}
    (
        select cast({{ dbt.dateadd('day', 'offset_days', period_first_day()) }} as date) as day
        from (
            {% for n in range(31) -%}
            select {{ n }} as offset_days{{ " union all " if not loop.last }}
            {% endfor -%}
        ) as offsets
        where {{ dbt.dateadd('day', 'offset_days', period_first_day()) }} < {{ period_next_first_day() }}
    )
{%- endmacro %}
