{#- One row per landing file: rows read = accepted + duplicates + quarantined. -#}
{%- set sources = ['service_requests', 'service_responses', 'alerts', 'csp_test_messages', 'outages', 'incidents', 'ch_firmware_events'] -%}

with files as (
    select source, file, format, status, rows_read, error
    from {{ source('landing', 'landing_files') }}
),

verdicts as (
    {% for source_name in sources %}
    select
        '{{ source_name }}' as source,
        _file as file,
        count(case when row_status = 'accepted' then 1 end) as accepted,
        count(case when row_status = 'duplicate' then 1 end) as duplicates,
        count(case when row_status = 'quarantined' then 1 end) as quarantined
    from {{ ref('base_' ~ source_name) }}
    group by _file
    {{ "union all" if not loop.last }}
    {% endfor %}
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
        coalesce(verdicts.accepted, 0) as accepted,
        coalesce(verdicts.duplicates, 0) as duplicates,
        coalesce(verdicts.quarantined, 0) + coalesce(unsplittable.quarantined, 0) as quarantined
    from files
    left join verdicts on files.source = verdicts.source and files.file = verdicts.file
    left join unsplittable on files.source = unsplittable.source and files.file = unsplittable.file
)

select * from final
