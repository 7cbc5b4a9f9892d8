{#- Staging of the three big sources, shared by their staging models and by the
    incremental path (docs/incremental-builds.md), which applies it to the rows of
    some partitions only:
    - <source>_checked(landing): given the rows read (landing_rows), every column
      plus row_reason, the first rule of the landing contract the row breaks, or NULL;
    - checked_rows(source, landing): the rules above, by source name;
    - staged_rows(source, checked, exceptions_relation): the accepted rows of
      `checked` (a relation or a parenthesised query): those not in
      stg_<source>__exceptions (or in exceptions_relation, for callers that cannot
      ref), with the staged columns (csp_region kept for SMETS2 rows only). -#}

{% macro service_requests_checked(landing) -%}
    with srv_catalogue as (
        select srv as catalogue_srv, applies_to_smets1 from {{ ref('srv_catalogue') }}
    ),

    landing as (
        {{ landing }}
    ),

    final as (
        select
            landing.*,
            coalesce(
                contract_reason,
                case when user_role not in ('IS', 'ES', 'GS', 'ED', 'GT', 'OU', 'RSA') then 'unknown user_role' end,
                -- any SRV number is a request; the catalogue says which ones MP122 measures
                case when not {{ matches_pattern('srv', '[0-9]+([.][0-9]+)*') }} then 'invalid srv: not an SRV number' end,
                case when command_variant not between 1 and 8 then 'invalid command_variant: not 1-8' end,
                case when dsp_processing_ms < 0 then 'invalid dsp_processing_ms: negative' end,
                {{ valid_device_type('device_type') }},
                {{ valid_segment_columns('smets', 'csp_region') }},
                case when smets = 'SMETS1' and not applies_to_smets1 then 'srv not applicable to SMETS1' end
            ) as row_reason
        from landing
        left join srv_catalogue on landing.srv = srv_catalogue.catalogue_srv
    )

    select * from final
{%- endmacro %}

{% macro service_responses_checked(landing) -%}
    with landing as (
        {{ landing }}
    ),

    final as (
        select
            landing.*,
            coalesce(
                contract_reason,
                case when not {{ matches_pattern('response_code', 'I0|I99|E[0-9]+') }} then 'unknown response_code' end
            ) as row_reason
        from landing
    )

    select * from final
{%- endmacro %}

{% macro alerts_checked(landing) -%}
    with landing as (
        {{ landing }}
    ),

    final as (
        select
            landing.*,
            coalesce(
                contract_reason,
                case when alert_kind not in ('device', 'dcc') then 'unknown alert_kind' end,
                case when alert_kind = 'device' and not {{ matches_pattern('alert_code', '[0-9A-F]{4}') }} then 'unknown alert_code' end,
                case when alert_kind = 'dcc' and not {{ matches_pattern('alert_code', '(N|AD)[0-9]+') }} then 'unknown alert_code' end,
                {{ valid_device_type('device_type') }},
                {{ valid_segment_columns('smets', 'csp_region') }},
                case when delivered_at < received_at then 'end before start: delivered_at before received_at' end,
                case when suppressed and delivered_at is not null then 'suppressed alert with a delivered_at' end
            ) as row_reason
        from landing
    )

    select * from final
{%- endmacro %}




{% macro checked_rows(source_name, landing) -%}
    {%- if source_name == 'service_requests' -%}
        {{ service_requests_checked(landing) }}
    {%- elif source_name == 'service_responses' -%}
        {{ service_responses_checked(landing) }}
    {%- elif source_name == 'alerts' -%}
        {{ alerts_checked(landing) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error('checked_rows: no row rules macro for ' ~ source_name) }}
    {%- endif -%}
{%- endmacro %}

{% macro staged_rows(source_name, checked, exceptions_relation=none) -%}
    {%- set segment_columns = ["smets", "case when smets = 'SMETS2' then csp_region end as csp_region"] -%}
    {%- set columns = {
        'service_requests': ['request_id', 'received_at', 'user_id', 'user_role', 'srv', 'command_variant',
                             'device_id', 'device_type'] + segment_columns + ['execution_at', 'dsp_processing_ms'],
        'service_responses': ['request_id', 'response_at', 'response_code'],
        'alerts': ['alert_id', 'alert_code', 'alert_kind', 'device_id', 'device_type'] + segment_columns
                  + ['user_id', 'request_id', 'received_at', 'delivered_at', 'suppressed'],
    } -%}
    with exceptions as (
        select _file, _row
        from {{ exceptions_relation if exceptions_relation else ref('stg_' ~ source_name ~ '__exceptions') }}
    )

    select
        {%- for column in columns[source_name] %}
        {{ column }},
        {%- endfor %}
        checked._file
    from {{ checked }} as checked
    left join exceptions on checked._file = exceptions._file and checked._row = exceptions._row
    where exceptions._row is null
{%- endmacro %}
