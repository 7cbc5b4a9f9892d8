{#- One row per row read that breaks the landing contract: where it came from,
    its raw values and the reason. Nothing read is dropped silently. -#}
{%- set sources = ['service_requests', 'service_responses', 'alerts', 'csp_test_messages', 'outages', 'incidents', 'ch_firmware_events'] -%}

with
{%- for source_name in sources %}
{{ source_name }}_quarantined as (
    select
        '{{ source_name }}' as source,
        _file as file,
        _row as row_number,
        raw_values,
        reject_reason as reason
    from {{ ref('stg_' ~ source_name ~ '__exceptions') }}
    where row_status = 'quarantined'
),
{% endfor %}

unsplittable as (
    select
        source,
        file,
        line as row_number,
        raw_line as raw_values,
        case
            when error like 'file skipped:%' then error
            else 'malformed CSV line: ' || error
        end as reason
    from {{ source('landing', 'malformed_lines') }}
)

{% for source_name in sources %}
select * from {{ source_name }}_quarantined
union all
{% endfor %}
select * from unsplittable
