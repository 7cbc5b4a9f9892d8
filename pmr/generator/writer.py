"""Writing one UK day of one source with DuckDB COPY, columns exactly as the contract.

Internal tables keep timestamps as BIGINT epoch milliseconds (UTC) under the contract
column names; here they become TIMESTAMP WITH TIME ZONE (Parquet) or ISO-8601 text with
`Z` (CSV, e.g. 2026-10-01T07:15:02.123Z). Rows are ordered by the source's main
timestamp and id, so the same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb

from pmr import SOURCES
from pmr.contract import CONTRACT, DUCKDB_TYPES, FILE_SUFFIXES
from pmr.generator.context import sql_str
from pmr.generator.enums import internal_type

ORDER = {
    "service_requests": ("received_at", "request_id"),
    "service_responses": ("response_at", "request_id", "response_code"),
    "alerts": ("received_at", "alert_id"),
    "csp_test_messages": ("sent_at", "csp_region"),
    "outages": ("started_at", "outage_id"),
    "incidents": ("raised_at", "incident_id"),
    "ch_firmware_events": ("event_at", "ch_id", "event"),
}
ISO_MS = "%Y-%m-%dT%H:%M:%S.%gZ"


def projection(source: str, fmt: str) -> str:
    cols = []
    for col in CONTRACT[source]:
        if col.type == "timestamp":
            expr = (f"make_timestamptz({col.name} * 1000)" if fmt == "parquet"
                    else f"strftime(epoch_ms({col.name}), '{ISO_MS}')")
        elif internal_type(source, col.name):
            expr = col.name  # written as text; casting to VARCHAR first would only cost time
        else:
            expr = f"{col.name}::{DUCKDB_TYPES[col.type]}"
        cols.append(f"{expr} AS {col.name}")
    return ", ".join(cols)


def internal_columns(source: str) -> str:
    return ", ".join(c.name for c in CONTRACT[source])


def write_day(con: duckdb.DuckDBPyConnection, source: str, from_sql: str, path: Path, fmt: str) -> int:
    """COPY the rows of `from_sql` (a FROM-able query with the contract columns) to `path`."""
    order = ", ".join(ORDER[source])
    # Parquet format version 2 (delta encodings, v2 data pages): measured 10% faster to write
    # and 19% smaller than version 1 for the request files; DuckDB, Arrow and Spark read it.
    options = "FORMAT parquet, PARQUET_VERSION v2" if fmt == "parquet" else "FORMAT csv, HEADER true, DELIMITER ','"
    result = con.execute(
        f"COPY (SELECT {projection(source, fmt)} FROM ({from_sql}) ORDER BY {order}) "
        f"TO {sql_str(str(path))} ({options})"
    ).fetchone()
    return int(result[0]) if result else 0


def day_path(landing: Path, source: str, day, fmt: str) -> Path:
    return landing / source / f"{day:%Y-%m-%d}.{fmt}"


RESENT = ".resent"
# A day's file in a source folder, in any format ingest reads (pmr.ingest.landing_files
# matches the suffixes whatever their case): `2026-10-01.parquet`, `.csv`, `.csv.gz`,
# and its copy delivered again, `2026-10-01.resent.parquet`.
DAY_FILE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(" + re.escape(RESENT) + ")?("
                      + "|".join(re.escape(s) for s in FILE_SUFFIXES) + ")", re.IGNORECASE)


def resent_path(day_file: Path) -> Path:
    """Where a day's file delivered a second time goes: `2026-10-01.resent.parquet`."""
    day, suffix = day_file.name.split(".", 1)
    return day_file.with_name(f"{day}{RESENT}.{suffix}")


def day_files(landing: Path) -> dict[dt.date, list[Path]]:
    """The files named after a UK day (`<YYYY-MM-DD>.<format>`) directly in the source
    folders of `landing`, where the generator writes, by day."""
    found: dict[dt.date, list[Path]] = {}
    for source in SOURCES:
        folder = Path(landing) / source
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            match = DAY_FILE.fullmatch(path.name)
            if not match or not path.is_file():
                continue
            try:
                day = dt.date.fromisoformat(match.group(1))
            except ValueError:
                continue
            found.setdefault(day, []).append(path)
    return found


def remove_other_formats(written: Path) -> list[Path]:
    """Delete the other files of the same day and source: other formats (`2026-10-01.csv`
    or `.csv.gz` beside a freshly written `2026-10-01.parquet`, or the reverse) and
    copies delivered again (`2026-10-01.resent.parquet`), so a regenerated day is read
    from its new files only. Returns the removed paths."""
    match = DAY_FILE.fullmatch(written.name)
    removed = []
    for path in sorted(written.parent.iterdir()):
        other = DAY_FILE.fullmatch(path.name)
        if (not other or other.group(1) != match.group(1) or path.name == written.name
                or not path.is_file() or path.samefile(written)):  # a case-insensitive file system
            continue
        path.unlink()
        removed.append(path)
    return removed
