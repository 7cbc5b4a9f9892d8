{#- The UK local date `days` days after the first day of the reporting period
    var('period') (negative: before it), as a SQL date literal. For look-back
    and look-ahead windows measured in whole UK days (e.g. the four weeks of
    history behind the install forecast). -#}
{% macro period_day_offset(days) -%}
    {%- set year, month = var("period").split("-") | map("int") -%}
    {%- set day = modules.datetime.date(year, month, 1) + modules.datetime.timedelta(days=days | int) -%}
    cast('{{ day.isoformat() }}' as date)
{%- endmacro %}
