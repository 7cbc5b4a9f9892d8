{#- The landing contract's columns per source: [name, type, required], with type
    one of string, timestamp, integer, boolean. The same contract as
    pmr/contract.py (tests/test_staging.py checks that the two agree). -#}
{% macro landing_contract(source_name) -%}
    {%- set contract = {
        'service_requests': [
            ['request_id', 'string', true], ['received_at', 'timestamp', true], ['user_id', 'string', true],
            ['user_role', 'string', true], ['srv', 'string', true], ['command_variant', 'integer', true],
            ['device_id', 'string', false], ['device_type', 'string', false], ['smets', 'string', true],
            ['csp_region', 'string', false], ['execution_at', 'timestamp', false],
            ['dsp_processing_ms', 'integer', false],
        ],
        'service_responses': [
            ['request_id', 'string', true], ['response_at', 'timestamp', true], ['response_code', 'string', true],
        ],
        'alerts': [
            ['alert_id', 'string', true], ['alert_code', 'string', true], ['alert_kind', 'string', true],
            ['device_id', 'string', false], ['device_type', 'string', false], ['smets', 'string', true],
            ['csp_region', 'string', false], ['user_id', 'string', true], ['request_id', 'string', false],
            ['received_at', 'timestamp', true], ['delivered_at', 'timestamp', false], ['suppressed', 'boolean', true],
        ],
        'csp_test_messages': [
            ['csp_region', 'string', true], ['sent_at', 'timestamp', true], ['rtt_ms', 'integer', false],
        ],
        'outages': [
            ['outage_id', 'string', true], ['component', 'string', true], ['started_at', 'timestamp', true],
            ['ended_at', 'timestamp', false], ['planned', 'boolean', true], ['csp_region', 'string', false],
            ['description', 'string', false],
        ],
        'incidents': [
            ['incident_id', 'string', true], ['category', 'integer', true], ['raised_at', 'timestamp', true],
            ['responded_at', 'timestamp', false], ['resolved_at', 'timestamp', false],
            ['closed_at', 'timestamp', false], ['responsible_party', 'string', true], ['service', 'string', false],
            ['csp_region', 'string', false], ['title', 'string', false],
        ],
        'ch_firmware_events': [
            ['ch_id', 'string', true], ['csp_region', 'string', true], ['firmware_version', 'string', true],
            ['event', 'string', true], ['event_at', 'timestamp', true],
        ],
    } -%}
    {{ return(contract[source_name]) }}
{%- endmacro %}
