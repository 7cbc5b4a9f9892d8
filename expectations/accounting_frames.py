"""The DataFrames of the landing and accounting suites of the publication gate: what
the landing folder holds that ingest did not read, each file's and each source's
accounting (rows read = accepted + duplicates + quarantined), the quarantine limit and
the ids delivered with conflicting contents. Each frame has a `label` column naming
its rows in the detail of a failing check (as in expectations.frames)."""

from __future__ import annotations

import duckdb
import pandas as pd

from expectations.frames import relation_exists
from pmr.contract import column_names

DEFAULT_QUARANTINE_MAX_PCT = 1.0


def unread_entries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the landing folder holds that ingest did not read (raw.landing_unread,
    pmr.ingest.unread_entries): one row per entry, with the landing files in it."""
    return con.execute(
        """
        select entry as label, landing_files, reason,
            -- an entry holding landing files fails the blocking check; the warning is for the rest
            landing_files = 0 as not_read
        from raw.landing_unread
        order by label
        """
    ).df()


def quarantine_max_pct(con: duckdb.DuckDBPyConnection) -> float:
    """seeds/parameters.csv `quarantine_max_pct`, 1 (%) when absent."""
    if relation_exists(con, "reference.parameters"):
        row = con.execute("select value from reference.parameters where parameter = 'quarantine_max_pct'").fetchone()
        if row and row[0] is not None:
            return float(row[0])
    return DEFAULT_QUARANTINE_MAX_PCT


def accounting_by_file(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per landing file: its accounting, whether it was read and all its rows
    counted (`all_rows_counted`, pmr.landing_file.FileSkipped), and the contract
    columns a read file lacks (`lacks`; raw.landing_files keeps the ones it has) and its
    columns the contract does not name (`not_in_contract`: a lacking one renamed?)."""
    frame = con.execute(
        """
        select
            accounting.file as label,
            accounting.source,
            accounting.rows_read,
            accepted,
            duplicates,
            quarantined,
            cast(accepted + duplicates + quarantined as bigint) as accounted,
            accounting.status,
            coalesce(accounting.error, '') as error,
            accounting.status = 'loaded' as loaded,
            coalesce(files.all_rows_counted, accounting.status = 'loaded') as all_rows_counted,
            coalesce(files.columns, []) as has_columns,
            array_to_string(coalesce(files.other_columns, []), ', ') as not_in_contract
        from staging.landing_accounting as accounting
        left join raw.landing_files as files on files.file = accounting.file
        order by label
        """
    ).df()
    frame["lacks"] = [
        ", ".join(c for c in column_names(source) if c not in set(has)) if loaded else ""
        for source, has, loaded in zip(frame["source"], frame["has_columns"], frame["loaded"])
    ]
    frame["has_every_column"] = frame["lacks"] == ""
    return frame.drop(columns=["has_columns"])


CONFLICT_REASON = "conflicting contents"


def accounting_by_source(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per source with landing files. A source "had data" when its files
    held rows or one of them could not be read; only those must have accepted rows.
    `conflicting_rows`: its rows quarantined because their id came with other contents too
    (every version of each such id: two for an id delivered twice)."""
    conflicts = (
        f"""select source, count(*) as conflicting_rows from staging.quarantined_rows
            where reason like '{CONFLICT_REASON}%' group by source"""
        if relation_exists(con, "staging.quarantined_rows")
        else "select null as source, 0 as conflicting_rows where false"
    )
    return con.execute(
        f"""
        with conflicts as ({conflicts}),

        by_source as (
            select
                source,
                count(*) as files,
                sum(rows_read) as rows_read,
                sum(accepted) as accepted,
                sum(quarantined) as quarantined,
                sum(rows_read) > 0 or bool_or(status = 'skipped') as had_data
            from staging.landing_accounting
            group by source
        )
        select
            source as label,
            files,
            rows_read,
            accepted,
            quarantined,
            round(100.0 * quarantined / nullif(rows_read, 0), 4) as quarantined_pct,
            case when had_data then accepted end as accepted_if_had_data,
            coalesce(conflicts.conflicting_rows, 0) as conflicting_rows
        from by_source
        left join conflicts using (source)
        order by label
        """
    ).df()
