{#- The reporting period is var('period') = 'YYYY-MM', a calendar month in UK
    local time. These macros give its bounds; the UTC ones are half-open
    [period_start_utc, period_end_utc). -#}
{% macro period_first_day() -%}
    cast('{{ var("period") }}-01' as date)
{%- endmacro %}

{% macro period_next_first_day() -%}
    {%- set year, month = var("period").split("-") | map("int") -%}
    {%- if month == 12 %}{% set year, month = year + 1, 1 %}{% else %}{% set month = month + 1 %}{% endif -%}
    cast('{{ "%04d-%02d-01" | format(year, month) }}' as date)
{%- endmacro %}

{% macro period_start_utc() -%}
    {{ uk_to_utc("cast('" ~ var("period") ~ "-01 00:00:00' as timestamp)") }}
{%- endmacro %}

{% macro period_end_utc() -%}
    {%- set year, month = var("period").split("-") | map("int") -%}
    {%- if month == 12 %}{% set year, month = year + 1, 1 %}{% else %}{% set month = month + 1 %}{% endif -%}
    {{ uk_to_utc("cast('" ~ ("%04d-%02d-01" | format(year, month)) ~ " 00:00:00' as timestamp)") }}
{%- endmacro %}
