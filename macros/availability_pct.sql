{#- Availability (metrics.md §5), the one definition used for the month, each time
    band and each UK day: (Uptime - unplanned downtime) / Uptime x 100, where Uptime
    is the time less the excluded Planned Maintenance. NULL when there is no Uptime. -#}
{% macro availability_pct(time_s, excluded_planned_s, unplanned_downtime_s) -%}
    {{ percent_of(time_s ~ ' - ' ~ excluded_planned_s ~ ' - ' ~ unplanned_downtime_s,
                  'nullif(' ~ time_s ~ ' - ' ~ excluded_planned_s ~ ', 0)') }}
{%- endmacro %}
