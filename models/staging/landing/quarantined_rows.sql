{#- One row per row read that breaks the landing contract: where it came from,
    its raw values and the reason. Nothing read is dropped silently. -#}
{%- set sources = {
    'service_requests': ['request_id', 'received_at', 'user_id', 'user_role', 'srv', 'command_variant', 'device_id', 'device_type', 'smets', 'csp_region', 'execution_at', 'dsp_processing_ms'],
    'service_responses': ['request_id', 'response_at', 'response_code'],
    'alerts': ['alert_id', 'alert_code', 'alert_kind', 'device_id', 'device_type', 'smets', 'csp_region', 'user_id', 'request_id', 'received_at', 'delivered_at', 'suppressed'],
    'csp_test_messages': ['csp_region', 'sent_at', 'rtt_ms'],
    'outages': ['outage_id', 'component', 'started_at', 'ended_at', 'planned', 'csp_region', 'description'],
    'incidents': ['incident_id', 'category', 'raised_at', 'responded_at', 'resolved_at', 'closed_at', 'responsible_party', 'service', 'csp_region', 'title'],
    'ch_firmware_events': ['ch_id', 'csp_region', 'firmware_version', 'event', 'event_at'],
} -%}

with
{% for source_name, columns in sources.items() %}
{{ source_name }}_quarantined as (
    select
        '{{ source_name }}' as source,
        checked._file as file,
        checked._row as row_number,
        {{ raw_values_json(columns, 'raw.') }} as raw_values,
        checked.reject_reason as reason
    from {{ ref('base_' ~ source_name) }} as checked
    inner join {{ source('landing', source_name) }} as raw
        on checked._file = raw._file and checked._row = raw._row
    where checked.row_status = 'quarantined'
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
