"""Landing-zone ingest: make every CSV and Parquet file of the landing folder
readable by the staging models, with nothing read lost.

Each file is read by `pmr.landing_csv` (CSV copied as text into `raw.<source>_csv`)
or `pmr.landing_parquet` (Parquet checked in place) or skipped with its reason, and
recorded in `raw.landing_files`. `raw.<source>_parquet` is a view over the accepted
Parquet files (no copy: the extracts are already typed and columnar).

Typing, deduplication and quarantine happen downstream in dbt (models/staging).
Ingest is incremental: a file already seen with the same size and modification
time is not read again, unless the code that read it has changed since; a changed
file is read again; a file gone from the landing folder is forgotten, so the
warehouse always mirrors the landing folder.
"""

from __future__ import annotations

import difflib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from pmr import SOURCES, build_state
from pmr.contract import CONTRACT, FILE_SUFFIXES, column_names
from pmr.raw_descriptions import describe_raw
from pmr.landing_csv import read_csv_file, rows_swallowed_by_a_quote
from pmr.landing_file import (RAW_SCHEMA, FileSkipped, UnreadableRows, file_columns, file_format, file_literal,
                              forget, glob_escaped, ident, nameable_by_duckdb, restart_file, sql_str)
from pmr.landing_parquet import (FILE_NAME_COLUMN, NANOSECOND_TYPES, quarantine_unreadable_rows, read_type,
                                 register_parquet)
from pmr.warehouse import machine_limit


def _read_expression(column: str, contract_type: str, parquet_type: str) -> str:
    if parquet_type in NANOSECOND_TYPES:  # cut to microseconds, as text with more digits is
        return f"cast(make_timestamp(epoch_ns({column}) // 1000) as timestamptz)"
    return f"cast({column} as {read_type(contract_type, parquet_type)})"


def read_file(con: duckdb.DuckDBPyConnection, source: str, path: Path,
              key: str) -> tuple[int, list[str], list[str], list[str]]:
    """(rows read, contract columns present, its other columns as written, the contract
    columns' Parquet types: none for a file copied as text) of one landing file brought
    into raw.*, or FileSkipped."""
    if file_format(path) == "parquet":
        return register_parquet(con, source, path, key)
    return read_csv_file(con, source, path, key)


@dataclass
class IngestReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file -> reason
    ignored: dict[str, str] = field(default_factory=dict)  # entry of the landing folder not read -> why
    rows_loaded: int = 0
    seconds: float = 0.0
    read_again: str | None = None  # why every file was read again, when it was not asked for



def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for source in SOURCES:
        cols = ", ".join(f"{ident(c)} varchar" for c in column_names(source))
        con.execute(f"create table if not exists {RAW_SCHEMA}.{source}_csv ({cols}, _file varchar, _row bigint)")
    con.execute(
        f"""create table if not exists {RAW_SCHEMA}.landing_files (
            source varchar, file varchar, path varchar, format varchar, size_bytes bigint, mtime_ns bigint,
            status varchar, rows_read bigint, columns varchar[], error varchar, loaded_at timestamp,
            column_types varchar[], other_columns varchar[], all_rows_counted boolean)"""
    )
    # warehouses made before column_types or other_columns existed; text_columns lived for a day
    con.execute(f"alter table {RAW_SCHEMA}.landing_files add column if not exists column_types varchar[]")
    con.execute(f"alter table {RAW_SCHEMA}.landing_files add column if not exists other_columns varchar[]")
    con.execute(f"alter table {RAW_SCHEMA}.landing_files add column if not exists all_rows_counted boolean")
    con.execute(f"alter table {RAW_SCHEMA}.landing_files drop column if exists text_columns")
    con.execute(
        f"""create table if not exists {RAW_SCHEMA}.malformed_lines (
            source varchar, file varchar, line bigint, raw_line varchar, error varchar)"""
    )
    con.execute(
        f"""create table if not exists {RAW_SCHEMA}.landing_unread (
            entry varchar, landing_files bigint, reason varchar)"""
    )
    # one row: the reader (pmr.build_state.reader_fingerprint) that read the files recorded
    con.execute(f"create table if not exists {RAW_SCHEMA}.ingest_state (reader varchar, finished_at timestamp)")


READ_AGAIN = "every landing file is read again: "
READ_BY_ANOTHER_READER = READ_AGAIN + ("pmr reads landing files differently since they were read (a new version "
                                       "of pmr, DuckDB or Python)")
READ_BY_UNKNOWN_READER = READ_AGAIN + ("no ingest into this warehouse has finished since this version of pmr "
                                       "records how files are read (the first ingest stopped, or the warehouse is "
                                       "older)")


def _why_read_again(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the files recorded in raw.landing_files must all be read again, or None: a
    fix to how files are read (a check added, a type read differently) must reach the
    files read before it, not only new ones, so files read by other code than this,
    or by code unknown, are read again."""
    if con.execute(f"select count(*) from {RAW_SCHEMA}.landing_files").fetchone()[0] == 0:
        return None
    recorded = con.execute(f"select reader from {RAW_SCHEMA}.ingest_state").fetchall()
    if not recorded:
        return READ_BY_UNKNOWN_READER
    return None if recorded == [(build_state.reader_fingerprint(),)] else READ_BY_ANOTHER_READER


def _hidden(path: Path, landing: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(landing).parts)


def _data_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(FILE_SUFFIXES))


def unread_entries(landing: Path) -> list[tuple[str, int, str]]:
    """What the landing folder holds that ingest does not read: (entry, landing files
    in it, why), in a stable order. A source folder spelt differently (`Outages/`) or
    an extract dropped beside the source folders is data that would silently be
    missing from the figures; other files (notes, a README) are only listed, and a
    source folder that is not there at all is listed so its absence is seen.
    Hidden entries (a leading dot: editors' and copy tools' temporary files) are
    left alone."""
    entries = []
    for path in sorted(landing.iterdir()):
        if _hidden(path, landing) or (path.is_dir() and path.name in SOURCES):
            continue
        key = _shown_name(path, landing) + ("/" if path.is_dir() else "")
        if path.is_dir():
            close = difflib.get_close_matches(path.name.lower(), SOURCES, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}/?)" if close else ""
            entries.append((key, _data_files(path), f"not a source folder{hint}"))
        elif path.name.lower().endswith(FILE_SUFFIXES):
            entries.append((key, 1, "a landing file outside the source folders"))
        else:
            entries.append((key, 0, "a file outside the source folders"))
    for source in SOURCES:
        folder = landing / source
        if not folder.is_dir():
            entries.append((f"{source}/", 0, f"no {source}/ folder: no {source.replace('_', ' ')} read"))
            continue
        for path in sorted(folder.rglob("*")):
            if _hidden(path, landing):
                continue
            unreadable = _why_not_readable(path)
            if unreadable:
                files = _data_files(path) if path.is_dir() else int(path.name.lower().endswith(FILE_SUFFIXES))
                entries.append((_shown_name(path, landing) + ("/" if path.is_dir() else ""), files, unreadable))
            elif path.is_file() and not path.name.lower().endswith(FILE_SUFFIXES):
                entries.append((_shown_name(path, landing), 0, "not a landing file (.csv, .csv.gz or .parquet)"))
    return entries


def _why_not_readable(path: Path) -> str | None:
    """Why ingest does not read an entry inside a source folder that would otherwise
    be data (None when it does, or when it is not a landing file)."""
    if path.is_symlink() and path.is_dir():
        # rglob does not follow a link to a folder (and a followed link could loop)
        return "a symbolic link to a folder, not followed: copy or move its files into the source folder"
    if path.is_symlink() and not path.exists():
        return "a broken symbolic link"
    if path.is_file() and path.name.lower().endswith(FILE_SUFFIXES) and not _utf8_name(path):
        return "the file name is not UTF-8 (bytes shown as \\x..): rename the file to read it"
    if path.is_file() and path.name.lower().endswith(FILE_SUFFIXES) and not nameable_by_duckdb(path):
        return ("the path holds a backslash and one of * ? [, with which DuckDB cannot open it: rename the file "
                "(or its folder) to read it")
    return None


def _utf8_name(path: Path) -> bool:
    """A name that was not UTF-8 on disk reaches Python with surrogate escapes, which
    DuckDB cannot take as a file name or a key."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown_name(path: Path, landing: Path) -> str:
    return os.fsencode(path.relative_to(landing).as_posix()).decode("utf-8", "backslashreplace")


def landing_files(landing: Path) -> list[tuple[str, Path]]:
    """(source, path) for every data file of the landing folder, in a stable order.
    Hidden files and folders (a leading dot) are not read: copy tools write a file
    under a hidden name until it is whole."""
    found = []
    for source in SOURCES:
        folder = landing / source
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if (path.is_file() and path.name.lower().endswith(FILE_SUFFIXES) and not _hidden(path, landing)
                    and _utf8_name(path) and nameable_by_duckdb(path)):
                found.append((source, path))
    return found


def _parquet_view(source: str, files: list[tuple[str, str, list[str], list[str]]]) -> str:
    """A SELECT over Parquet files (path, key, columns present, their types): the
    contract columns (NULL where no file has one), _file and _row. Files with the same
    columns and types are read together, each such group as its columns' read_type."""
    names = column_names(source)
    if not files:
        cols = ", ".join(f"cast(null as varchar) as {ident(c)}" for c in names)
        return f"select {cols}, cast(null as varchar) as _file, cast(null as bigint) as _row where false"
    groups: dict[tuple, list] = {}
    for path, key, columns, types in files:
        groups.setdefault(tuple(zip(columns, types)), []).append((path, key))
    anywhere = {c for signature in groups for c, _ in signature}
    return " union all ".join(_parquet_read(source, dict(signature), group, anywhere)
                              for signature, group in groups.items())


def _parquet_read(source: str, types: dict[str, str], files: list[tuple[str, str]], anywhere: set[str]) -> str:
    contract = {c.name: c.type for c in CONTRACT[source]}
    paths = "[" + ", ".join(file_literal(path) for path, _ in files) + "]"
    keys = "map([" + ", ".join(sql_str(path) for path, _ in files) + "], [" + ", ".join(
        sql_str(key) for _, key in files) + "])"
    cols = []
    for c in column_names(source):
        if c in types:
            cols.append(f"{_read_expression(ident(c), contract[c], types[c])} as {ident(c)}")
        else:  # untyped where another group has the column, so its type wins the union
            cols.append(f"{'null' if c in anywhere else 'cast(null as varchar)'} as {ident(c)}")
    return (
        f"select {', '.join(cols)}, {keys}[{FILE_NAME_COLUMN}] as _file, file_row_number + 1 as _row "
        f"from read_parquet({paths}, union_by_name = true, filename = {sql_str(FILE_NAME_COLUMN)}, "
        f"file_row_number = true)"
    )


def _with_types(con, file: tuple) -> tuple:
    """A file registered before its column types were recorded: read them now, once."""
    path, key, columns, types = file
    if types is None:
        present = file_columns(con, f"read_parquet({file_literal(path)})")
        types = [present[c][1] for c in columns]
        con.execute(f"update {RAW_SCHEMA}.landing_files set column_types = ? where file = ?", [types, key])
    return path, key, columns, types


def refresh_parquet_views(con: duckdb.DuckDBPyConnection) -> None:
    """raw.<source>_parquet: one view per source over its accepted Parquet files read
    in place, with the contract columns (NULL where no file has one), _file and _row
    (a Parquet file copied as text, with no column types recorded, is in raw.<source>_csv).
    raw.<source>_parquet_new and raw.<source>_csv_new: the same for the files the
    last successful build did not read (pmr.build_state), for incremental builds."""
    build_state.ensure_state_tables(con)
    for source in SOURCES:
        for suffix, scope in (("", ""), ("_new", f"and file in (select file from ({build_state.NEW_FILES}))")):
            files = con.execute(
                f"""select path, file, columns, column_types from {RAW_SCHEMA}.landing_files
                    where source = ? and format = 'parquet' and status = 'loaded' {scope}
                      and (column_types is null or len(column_types) > 0) order by file""",
                [source],
            ).fetchall()
            con.execute(f"create or replace view {RAW_SCHEMA}.{source}_parquet{suffix} as "
                        + _parquet_view(source, [_with_types(con, f) for f in files]))
        con.execute(
            f"""create or replace view {RAW_SCHEMA}.{source}_csv_new as
                select * from {RAW_SCHEMA}.{source}_csv
                where _file in (select file from ({build_state.NEW_FILES}) where source = {sql_str(source)})"""
        )


def _without_paths(reason: str, path: Path, key: str) -> str:
    """A skip reason with the file's absolute path in it given as its landing key, and
    any other quoted absolute path (a scratch copy) too: quality.csv and the report name
    files by key, not by where this machine keeps them. DuckDB's and Python's errors
    name the file in single or double quotes, or none, and as given or glob-escaped."""
    for named in sorted({str(path), glob_escaped(path)}, key=len, reverse=True):
        reason = reason.replace(named, key)
    return re.sub(r"""(['"])(?:/|[A-Za-z]:\\)(?:(?!\1).)*\1""", lambda m: f"{m[1]}{key}{m[1]}", reason)


def file_version(path: Path) -> tuple[int, int]:
    """(size, change time in ns) by which ingest knows a file it read before. The change
    time is the status-change time, which moves with every write and which no tool can
    set: the modification time can be set to any value, back (a copy that keeps file
    times, `touch -r`) or ahead (a clock set wrong), and a correction that keeps it
    would go unseen. (Earlier versions stored the later of the two, which is the
    status-change time unless the modification time lies ahead: a warehouse built
    then reads its files as unchanged.)"""
    stat = path.stat()
    return stat.st_size, stat.st_ctime_ns


def _ingest_file(con: duckdb.DuckDBPyConnection, report: IngestReport, source: str, path: Path, key: str,
                 size: int, changed_ns: int, read_before: bool) -> None:
    """One landing file into raw.* in its own transaction, read or skipped with its
    reason. Running out of memory or disk space is no fault of the file: it is raised, not
    made a reason to skip it, which would leave its rows out of the figures with a warning.
    What an earlier ingest kept of the file is forgotten first; a file never read before
    has nothing kept (its rows and its raw.landing_files row are written in one
    transaction), and forgetting costs a scan of the source's rows copied as text, for
    every file of a landing delivered in many files."""
    con.execute("begin transaction")
    if read_before:
        forget(con, source, key)
    try:
        rows, columns, others, types = read_file(con, source, path, key)
        swallowed = rows_swallowed_by_a_quote(con, key, path) if file_format(path) == "csv" else None
        status, error, counted = "loaded", swallowed, swallowed is None
        report.loaded.append(key)
        report.rows_loaded += rows
    except FileSkipped as problem:
        if machine_limit(problem):  # the readers turn every DuckDB error into a skip
            raise
        problem.reason = _without_paths(problem.reason, path, key)
        if not problem.rows:  # nothing kept; a failed read may have aborted the transaction
            restart_file(con, source, key)
            if isinstance(problem, UnreadableRows):
                problem.rows = quarantine_unreadable_rows(con, source, key, problem.reader, problem.reason)
        rows, columns, others, types, status, error = problem.rows, [], [], [], "skipped", problem.reason
        counted = problem.counted
        report.skipped[key] = error
    con.execute(
        f"""insert into {RAW_SCHEMA}.landing_files (source, file, path, format, size_bytes, mtime_ns, status,
                rows_read, columns, error, loaded_at, column_types, other_columns, all_rows_counted)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp, ?, ?, ?)""",
        [source, key, str(path), file_format(path), size, changed_ns, status, rows, columns, error, types, others,
         counted],
    )
    con.execute("commit")


def ingest(
    con: duckdb.DuckDBPyConnection, landing: Path, progress: Callable[[str], None] | None = None,
    reread: bool = False,
) -> IngestReport:
    """Bring raw.* in line with the landing folder. Each file is handled in its own
    transaction, so an interrupted ingest never leaves half a file behind. A file
    whose name and version (file_version) are those read before is not read again,
    unless `reread` (a full refresh) or the files were read by other code (_why_read_again)."""
    started = time.perf_counter()
    landing = Path(landing).resolve()
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder not found: {landing}")
    ensure_raw_tables(con)
    report = IngestReport()
    report.read_again = None if reread else _why_read_again(con)
    if report.read_again:
        reread = True
        if progress:
            progress(report.read_again)
    files = landing_files(landing)
    known = {
        row[0]: row[1:]
        for row in con.execute(f"select file, size_bytes, mtime_ns, source, path from {RAW_SCHEMA}.landing_files").fetchall()
    }
    keys_now = set()
    for index, (source, path) in enumerate(files, start=1):
        key = path.relative_to(landing).as_posix()
        keys_now.add(key)
        size, changed_ns = file_version(path)
        if not reread and key in known and known[key][:2] == (size, changed_ns) and known[key][3] == str(path):
            report.unchanged.append(key)
            continue
        if progress and (index == len(files) or index % 25 == 1):
            progress(f"ingest {key} ({index}/{len(files)} files)")
        try:
            _ingest_file(con, report, source, path, key, size, changed_ns, read_before=key in known)
        except (duckdb.Error, FileSkipped, OSError) as problem:  # OSError: a full temporary folder
            stop = machine_limit(problem, f"reading {key}", "; nothing of it was kept")
            if stop is None:
                raise
            try:
                con.execute("rollback")
            except duckdb.Error:
                pass  # a failed commit has rolled the file back already
            raise stop from None
    for key, (_, _, source, _) in known.items():
        if key not in keys_now:
            con.execute("begin transaction")
            forget(con, source, key)
            con.execute("commit")
            report.removed.append(key)
    con.execute("begin transaction")
    con.execute(f"delete from {RAW_SCHEMA}.landing_unread")
    for entry, count, reason in unread_entries(landing):
        con.execute(f"insert into {RAW_SCHEMA}.landing_unread values (?, ?, ?)", [entry, count, reason])
        report.ignored[entry] = reason + (f"; holds {count} landing file(s), not read" if count else "")
    con.execute(f"delete from {RAW_SCHEMA}.ingest_state")
    con.execute(f"insert into {RAW_SCHEMA}.ingest_state values (?, now()::timestamp)", [build_state.reader_fingerprint()])
    con.execute("commit")
    refresh_parquet_views(con)
    describe_raw(con)  # after the views: recreating a view drops its comments
    report.seconds = time.perf_counter() - started
    return report
