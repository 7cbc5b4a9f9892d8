"""Landing-zone ingest: copy every CSV and Parquet file of the landing folder into
`raw.<source>` tables, as text, one row per row read, tagged with its file and row.

Typing, deduplication and quarantine happen downstream in dbt (models/staging);
this step only deals with what SQL cannot: files that are unreadable or miss a
required column are recorded in `raw.landing_files` with the reason and skipped,
and malformed CSV lines go to `raw.malformed_lines`, so nothing read is lost.

Ingest is incremental: a file already loaded with the same size and modification
time is not read again; a changed file is reloaded; a file gone from the landing
folder has its rows removed, so the warehouse always mirrors the landing folder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from pmr import SOURCES
from pmr.contract import CONTRACT, FILE_SUFFIXES, column_names, required_columns

RAW_SCHEMA = "raw"


@dataclass
class IngestReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file -> reason
    rows_loaded: int = 0
    seconds: float = 0.0


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for source in SOURCES:
        cols = ", ".join(f"{_ident(c)} varchar" for c in column_names(source))
        con.execute(f"create table if not exists {RAW_SCHEMA}.{source} ({cols}, _file varchar, _row bigint)")
    con.execute(
        f"""create table if not exists {RAW_SCHEMA}.landing_files (
            source varchar, file varchar, format varchar, size_bytes bigint, mtime_ns bigint,
            status varchar, rows_read bigint, error varchar, loaded_at timestamp)"""
    )
    con.execute(
        f"""create table if not exists {RAW_SCHEMA}.malformed_lines (
            source varchar, file varchar, line bigint, raw_line varchar, error varchar)"""
    )


def landing_files(landing: Path) -> list[tuple[str, Path]]:
    """(source, path) for every data file of the landing folder, in a stable order."""
    found = []
    for source in SOURCES:
        folder = landing / source
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name.lower().endswith(FILE_SUFFIXES):
                found.append((source, path))
    return found


def _file_format(path: Path) -> str:
    return "parquet" if path.name.lower().endswith(".parquet") else "csv"


def _reader(path: Path, fmt: str, rejects: str | None = None) -> str:
    if fmt == "parquet":
        return f"read_parquet({_sql_str(str(path))}, file_row_number = true)"
    return (
        f"read_csv({_sql_str(str(path))}, all_varchar = true, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', ignore_errors = true, store_rejects = true, "
        f"rejects_table = {_sql_str(rejects + '_errors')}, rejects_scan = {_sql_str(rejects + '_scans')})"
    )


def _load_file(con: duckdb.DuckDBPyConnection, source: str, path: Path, key: str) -> int:
    """Insert one file's rows into raw.<source>; returns rows read. Raises FileSkipped
    with a user-facing reason when the file as a whole breaks the contract."""
    fmt = _file_format(path)
    rejects = "pmr_rejects"
    reader = _reader(path, fmt, rejects)
    try:
        described = con.execute(f"describe select * from {reader}").fetchall()
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable {fmt} file: {str(error).splitlines()[0]}") from None
    present = {row[0].lower(): row[0] for row in described}
    missing = [c for c in required_columns(source) if c not in present]
    if missing:
        reason = "file skipped: missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)
        return _keep_rows_of_skipped_file(con, source, key, reader, reason)

    selects = []
    for column in CONTRACT[source]:
        if column.name in present:
            selects.append(f"cast({_ident(present[column.name])} as varchar)")
        else:
            selects.append("null")
    row_number = "file_row_number + 1" if fmt == "parquet" else "row_number() over ()"
    try:
        con.execute(
            f"insert into {RAW_SCHEMA}.{source} select {', '.join(selects)}, {_sql_str(key)}, {row_number} from {reader}"
        )
        rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{source} where _file = ?", [key]).fetchone()[0]
        if fmt == "csv":
            con.execute(
                f"""insert into {RAW_SCHEMA}.malformed_lines
                    select {_sql_str(source)}, {_sql_str(key)}, line, csv_line, error_type || ': ' || error_message
                    from {rejects}_errors"""
            )
            rows += con.execute(f"select count(*) from {rejects}_errors").fetchone()[0]
            con.execute(f"drop table if exists {rejects}_errors")
            con.execute(f"drop table if exists {rejects}_scans")
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable {fmt} file: {str(error).splitlines()[0]}") from None
    return rows


def _keep_rows_of_skipped_file(con, source: str, key: str, reader: str, reason: str) -> int:
    """A readable file that breaks the contract as a whole: keep each of its rows,
    as JSON, beside the malformed lines, so they are quarantined with the reason."""
    con.execute(
        f"""insert into {RAW_SCHEMA}.malformed_lines
            select {_sql_str(source)}, {_sql_str(key)}, row_number() over (), cast(to_json(t) as varchar), {_sql_str(reason)}
            from {reader} as t"""
    )
    rows = con.execute(f"select count(*) from {RAW_SCHEMA}.malformed_lines where file = ?", [key]).fetchone()[0]
    raise FileSkipped(reason, rows)


class FileSkipped(Exception):
    def __init__(self, reason: str, rows: int = 0):
        super().__init__(reason)
        self.reason, self.rows = reason, rows


def _forget(con: duckdb.DuckDBPyConnection, source: str, key: str) -> None:
    con.execute(f"delete from {RAW_SCHEMA}.{source} where _file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.malformed_lines where file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.landing_files where file = ?", [key])


def ingest(
    con: duckdb.DuckDBPyConnection, landing: Path, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """Bring raw.* in line with the landing folder. Each file is loaded in its own
    transaction, so an interrupted ingest never leaves half a file behind."""
    started = time.perf_counter()
    landing = Path(landing)
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder not found: {landing}")
    ensure_raw_tables(con)
    report = IngestReport()
    files = landing_files(landing)
    known = {
        row[0]: row[1:]
        for row in con.execute(f"select file, size_bytes, mtime_ns, source from {RAW_SCHEMA}.landing_files").fetchall()
    }
    keys_now = set()
    for index, (source, path) in enumerate(files, start=1):
        key = path.relative_to(landing).as_posix()
        keys_now.add(key)
        stat = path.stat()
        if key in known and known[key][:2] == (stat.st_size, stat.st_mtime_ns):
            report.unchanged.append(key)
            continue
        if progress:
            progress(f"ingest {key} ({index}/{len(files)})")
        con.execute("begin transaction")
        _forget(con, source, key)
        try:
            rows = _load_file(con, source, path, key)
            status, error = "loaded", None
            report.loaded.append(key)
            report.rows_loaded += rows
        except FileSkipped as problem:
            if not problem.rows:  # nothing kept: undo whatever the failed read left
                con.execute("rollback")
                con.execute("begin transaction")
                _forget(con, source, key)
            else:
                con.execute(f"delete from {RAW_SCHEMA}.{source} where _file = ?", [key])
            rows, status, error = problem.rows, "skipped", problem.reason
            report.skipped[key] = error
        con.execute(
            f"insert into {RAW_SCHEMA}.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp)",
            [source, key, _file_format(path), stat.st_size, stat.st_mtime_ns, status, rows, error],
        )
        con.execute("commit")
    for key, (_, _, source) in known.items():
        if key not in keys_now:
            con.execute("begin transaction")
            _forget(con, source, key)
            con.execute("commit")
            report.removed.append(key)
    report.seconds = time.perf_counter() - started
    return report
