{#- quality.csv as published (metrics.md §8): one row per landing file (reason
    empty) and one per quarantine reason within it, in a stable order. A file
    skipped as unreadable has its own reason row. -#}

with totals as (
    select
        source,
        file,
        rows_read,
        accepted,
        duplicates,
        quarantined,
        cast(null as string) as reason
    from {{ ref('landing_accounting') }}
),

by_reason as (
    select
        source,
        file,
        cast(null as bigint) as rows_read,
        cast(null as bigint) as accepted,
        cast(null as bigint) as duplicates,
        count(*) as quarantined,
        reason
    from {{ ref('quarantined_rows') }}
    group by source, file, reason
),

unreadable as (
    select
        source,
        file,
        cast(null as bigint) as rows_read,
        cast(null as bigint) as accepted,
        cast(null as bigint) as duplicates,
        0 as quarantined,
        error as reason
    from {{ ref('landing_accounting') }}
    where status = 'skipped' and rows_read = 0
)

select * from totals
union all
select * from by_reason
union all
select * from unreadable
