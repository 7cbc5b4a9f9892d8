"""Landing-zone ingest: make every CSV and Parquet file of the landing folder
readable by the staging models, with nothing read lost.

- Parquet files are read in place: their schema is checked and their row count
  taken from the file's metadata, and `raw.<source>_parquet` is a view over the
  accepted files (no copy: the extracts are already typed and columnar).
- CSV files are copied as text into `raw.<source>_csv`, one row per row read,
  tagged with file and row; lines that cannot be split into the header's
  columns go to `raw.malformed_lines`.
- A file that cannot be read, or that misses a required column, is skipped and
  recorded in `raw.landing_files` with the reason; the rows of a readable file
  missing a column are kept in `raw.malformed_lines` so they are quarantined.

Typing, deduplication and quarantine happen downstream in dbt (models/staging).
Ingest is incremental: a file already seen with the same size and modification
time is not read again; a changed file is read again; a file gone from the
landing folder is forgotten, so the warehouse always mirrors the landing folder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from pmr import SOURCES, build_state
from pmr.contract import FILE_SUFFIXES, column_names, required_columns

RAW_SCHEMA = "raw"


@dataclass
class IngestReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file -> reason
    rows_loaded: int = 0
    seconds: float = 0.0


class FileSkipped(Exception):
    def __init__(self, reason: str, rows: int = 0):
        super().__init__(reason)
        self.reason, self.rows = reason, rows


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for source in SOURCES:
        cols = ", ".join(f"{_ident(c)} varchar" for c in column_names(source))
        con.execute(f"create table if not exists {RAW_SCHEMA}.{source}_csv ({cols}, _file varchar, _row bigint)")
    con.execute(
        f"""create table if not exists {RAW_SCHEMA}.landing_files (
            source varchar, file varchar, path varchar, format varchar, size_bytes bigint, mtime_ns bigint,
            status varchar, rows_read bigint, columns varchar[], error varchar, loaded_at timestamp)"""
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


def _csv_reader(path: Path, rejects: str) -> str:
    return (
        f"read_csv({_sql_str(str(path))}, all_varchar = true, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', ignore_errors = true, store_rejects = true, "
        f"rejects_table = {_sql_str(rejects + '_errors')}, rejects_scan = {_sql_str(rejects + '_scans')})"
    )


def _columns(con: duckdb.DuckDBPyConnection, reader: str, fmt: str) -> dict[str, str]:
    try:
        described = con.execute(f"describe select * from {reader}").fetchall()
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable {fmt} file: {str(error).splitlines()[0]}") from None
    return {row[0].lower(): row[0] for row in described}


def _check_columns(con, source: str, key: str, reader: str, present: dict[str, str]) -> None:
    missing = [c for c in required_columns(source) if c not in present]
    if missing:
        reason = "file skipped: missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)
        _keep_rows_of_skipped_file(con, source, key, reader, reason)


def _keep_rows_of_skipped_file(con, source: str, key: str, reader: str, reason: str) -> None:
    """A readable file that breaks the contract as a whole: keep each of its rows,
    as JSON, beside the malformed lines, so they are quarantined with the reason."""
    con.execute(
        f"""insert into {RAW_SCHEMA}.malformed_lines
            select {_sql_str(source)}, {_sql_str(key)}, row_number() over (), cast(to_json(t) as varchar), {_sql_str(reason)}
            from {reader} as t"""
    )
    rows = con.execute(f"select count(*) from {RAW_SCHEMA}.malformed_lines where file = ?", [key]).fetchone()[0]
    raise FileSkipped(reason, rows)


def _register_parquet(con, source: str, path: Path, key: str) -> tuple[int, list[str]]:
    reader = f"read_parquet({_sql_str(str(path))})"
    present = _columns(con, reader, "parquet")
    _check_columns(con, source, key, reader, present)
    try:
        rows = con.execute(f"select count(*) from {reader}").fetchone()[0]
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable parquet file: {str(error).splitlines()[0]}") from None
    return rows, sorted(c for c in present if c in column_names(source))


def _load_csv(con, source: str, path: Path, key: str) -> tuple[int, list[str]]:
    rejects = "pmr_rejects"
    reader = _csv_reader(path, rejects)
    present = _columns(con, reader, "csv")
    _check_columns(con, source, key, reader, present)
    selects = [f"{_ident(present[c])}" if c in present else "null" for c in column_names(source)]
    try:
        con.execute(
            f"insert into {RAW_SCHEMA}.{source}_csv select {', '.join(selects)}, {_sql_str(key)}, "
            f"row_number() over () from {reader}"
        )
        rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{source}_csv where _file = ?", [key]).fetchone()[0]
        con.execute(
            f"""insert into {RAW_SCHEMA}.malformed_lines
                select {_sql_str(source)}, {_sql_str(key)}, line, csv_line, error_type || ': ' || error_message
                from {rejects}_errors"""
        )
        rows += con.execute(f"select count(*) from {rejects}_errors").fetchone()[0]
        con.execute(f"drop table if exists {rejects}_errors")
        con.execute(f"drop table if exists {rejects}_scans")
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable csv file: {str(error).splitlines()[0]}") from None
    return rows, sorted(c for c in present if c in column_names(source))


def _forget(con: duckdb.DuckDBPyConnection, source: str, key: str) -> None:
    con.execute(f"delete from {RAW_SCHEMA}.{source}_csv where _file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.malformed_lines where file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.landing_files where file = ?", [key])


def _parquet_view(files: list[tuple[str, str, list[str]]], names: list[str]) -> str:
    """A SELECT over Parquet files (path, key, columns present): the contract
    columns (NULL where no file has one), _file and _row."""
    if not files:
        cols = ", ".join(f"cast(null as varchar) as {_ident(c)}" for c in names)
        return f"select {cols}, cast(null as varchar) as _file, cast(null as bigint) as _row where false"
    present = set().union(*(set(f[2]) for f in files))
    paths = "[" + ", ".join(_sql_str(f[0]) for f in files) + "]"
    keys = "map([" + ", ".join(_sql_str(f[0]) for f in files) + "], [" + ", ".join(_sql_str(f[1]) for f in files) + "])"
    cols = ", ".join(_ident(c) if c in present else f"cast(null as varchar) as {_ident(c)}" for c in names)
    return (
        f"select {cols}, {keys}[filename] as _file, file_row_number + 1 as _row "
        f"from read_parquet({paths}, union_by_name = true, filename = true, file_row_number = true)"
    )


def refresh_parquet_views(con: duckdb.DuckDBPyConnection) -> None:
    """raw.<source>_parquet: one view per source over its accepted Parquet files,
    with the contract columns (NULL where no file has one), _file and _row.
    raw.<source>_parquet_new and raw.<source>_csv_new: the same for the files the
    last successful build did not read (pmr.build_state), for incremental builds."""
    build_state.ensure_state_tables(con)
    for source in SOURCES:
        for suffix, scope in (("", ""), ("_new", f"and file in (select file from ({build_state.NEW_FILES}))")):
            files = con.execute(
                f"""select path, file, columns from {RAW_SCHEMA}.landing_files
                    where source = ? and format = 'parquet' and status = 'loaded' {scope} order by file""",
                [source],
            ).fetchall()
            con.execute(f"create or replace view {RAW_SCHEMA}.{source}_parquet{suffix} as "
                        + _parquet_view(files, column_names(source)))
        con.execute(
            f"""create or replace view {RAW_SCHEMA}.{source}_csv_new as
                select * from {RAW_SCHEMA}.{source}_csv
                where _file in (select file from ({build_state.NEW_FILES}) where source = {_sql_str(source)})"""
        )


def ingest(
    con: duckdb.DuckDBPyConnection, landing: Path, progress: Callable[[str], None] | None = None
) -> IngestReport:
    """Bring raw.* in line with the landing folder. Each file is handled in its own
    transaction, so an interrupted ingest never leaves half a file behind."""
    started = time.perf_counter()
    landing = Path(landing).resolve()
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder not found: {landing}")
    ensure_raw_tables(con)
    report = IngestReport()
    files = landing_files(landing)
    known = {
        row[0]: row[1:]
        for row in con.execute(f"select file, size_bytes, mtime_ns, source, path from {RAW_SCHEMA}.landing_files").fetchall()
    }
    keys_now = set()
    for index, (source, path) in enumerate(files, start=1):
        key = path.relative_to(landing).as_posix()
        keys_now.add(key)
        stat = path.stat()
        if key in known and known[key][:2] == (stat.st_size, stat.st_mtime_ns) and known[key][3] == str(path):
            report.unchanged.append(key)
            continue
        if progress and (index == len(files) or index % 25 == 1):
            progress(f"ingest {key} ({index}/{len(files)} files)")
        fmt = _file_format(path)
        con.execute("begin transaction")
        _forget(con, source, key)
        try:
            rows, columns = (_register_parquet if fmt == "parquet" else _load_csv)(con, source, path, key)
            status, error = "loaded", None
            report.loaded.append(key)
            report.rows_loaded += rows
        except FileSkipped as problem:
            if not problem.rows:  # nothing kept; a failed read may have aborted the transaction
                con.execute("rollback")
                con.execute("begin transaction")
                _forget(con, source, key)
            rows, columns, status, error = problem.rows, [], "skipped", problem.reason
            report.skipped[key] = error
        con.execute(
            f"insert into {RAW_SCHEMA}.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp)",
            [source, key, str(path), fmt, stat.st_size, stat.st_mtime_ns, status, rows, columns, error],
        )
        con.execute("commit")
    for key, (_, _, source, _) in known.items():
        if key not in keys_now:
            con.execute("begin transaction")
            _forget(con, source, key)
            con.execute("commit")
            report.removed.append(key)
    refresh_parquet_views(con)
    report.seconds = time.perf_counter() - started
    return report
