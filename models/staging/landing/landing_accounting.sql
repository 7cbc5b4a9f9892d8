{#- One row per landing file: rows read = accepted + duplicates + quarantined.
    rows_read comes from ingest (the Parquet metadata, or the CSV rows and lines
    read); accepted is counted from the staged rows (plus superseded versions),
    so the identity is a real check, not arithmetic. -#}
{%- set sources = ['service_requests', 'service_responses', 'alerts', 'csp_test_messages', 'outages', 'incidents', 'ch_firmware_events'] -%}

with files as (
    select source, file, format, status, rows_read, error
    from {{ source('landing', 'landing_files') }}
),

staged as (
    {%- for source_name in sources %}
    select '{{ source_name }}' as source, _file as file, count(*) as staged
    from {{ ref('stg_' ~ source_name) }}
    group by _file
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

exceptions as (
    {%- for source_name in sources %}
    select
        '{{ source_name }}' as source,
        _file as file,
        count(case when row_status = 'accepted' then 1 end) as superseded,
        count(case when row_status = 'duplicate' then 1 end) as duplicates,
        count(case when row_status = 'quarantined' then 1 end) as quarantined
    from {{ ref('stg_' ~ source_name ~ '__exceptions') }}
    group by _file
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

unsplittable as (
    select source, file, count(*) as quarantined
    from {{ source('landing', 'malformed_lines') }}
    group by source, file
),

final as (
    select
        files.source,
        files.file,
        files.format,
        files.status,
        files.error,
        files.rows_read,
        coalesce(staged.staged, 0) + coalesce(exceptions.superseded, 0) as accepted,
        coalesce(exceptions.superseded, 0) as superseded,
        coalesce(exceptions.duplicates, 0) as duplicates,
        coalesce(exceptions.quarantined, 0) + coalesce(unsplittable.quarantined, 0) as quarantined
    from files
    left join staged on files.source = staged.source and files.file = staged.file
    left join exceptions on files.source = exceptions.source and files.file = exceptions.file
    left join unsplittable on files.source = unsplittable.source and files.file = unsplittable.file
)

select * from final
