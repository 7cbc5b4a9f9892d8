"""Landing-zone ingest: make every CSV and Parquet file of the landing folder
readable by the staging models, with nothing read lost.

- Parquet files are read in place: their columns and column types are checked,
  every contract column is read once so that a damaged file is found here rather
  than halfway through the build, and `raw.<source>_parquet` is a view over the
  accepted files (no copy: the extracts are already typed and columnar).
- CSV files are copied as text into `raw.<source>_csv`, one row per row read,
  tagged with file and row; lines that cannot be split into the header's
  columns go to `raw.malformed_lines`.
- A file that cannot be read, that misses a required column, or whose Parquet
  column has a type its contract column cannot be read from, is skipped and
  recorded in `raw.landing_files` with the reason; the rows of such a file that
  can still be read are kept in `raw.malformed_lines`, so they are quarantined.

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
from pmr.contract import CONTRACT, FILE_SUFFIXES, column_names, required_columns

RAW_SCHEMA = "raw"
REJECTS = "pmr_rejects"  # DuckDB's tables of the lines a CSV read rejected
WIDE_CSV_LINE_BYTES = 64 * 1024 * 1024  # the line limit of the second read of a file with a long line
FILE_NAME_COLUMN = "_pmr_landing_file"  # the Parquet view's file name column, named apart from any file column
# A Parquet column named like this cannot be read beside the row number DuckDB adds.
RESERVED_PARQUET_COLUMNS = {"file_row_number", FILE_NAME_COLUMN}
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_TIMESTAMP_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"}
# The Parquet column types (as DuckDB names them) each contract type is read from
# (read_type says as what); nested types, binary, dates and 128-bit integers are not,
# so a file holding one is skipped instead of failing the build.
PARQUET_TYPES_READABLE_AS = {
    "string": {"VARCHAR"} | _INTEGER_TYPES,
    "timestamp": {"VARCHAR"} | _TIMESTAMP_TYPES,
    "integer": {"VARCHAR", "FLOAT", "DOUBLE", "DECIMAL"} | _INTEGER_TYPES,
    "boolean": {"VARCHAR", "BOOLEAN"} | _INTEGER_TYPES,
}
_BIGINT_EXACT = _INTEGER_TYPES - {"UBIGINT"}  # UBIGINT can exceed BIGINT: read as text, checked there


def read_type(contract_type: str, parquet_type: str) -> str:
    """The type a file's column is read as, decided by that file alone: the native type
    of the contract (TIMESTAMPTZ, BIGINT, BOOLEAN) when the file's type converts to it
    exactly, else text. Files whose types differ are read apart and only then combined,
    so a new file can never change how an older one reads (an incremental build must
    equal a full one): a text column makes the combined column text, and the text of
    a native value converts back to the same value."""
    base = parquet_type.split("(")[0]
    if contract_type == "timestamp" and base in _TIMESTAMP_TYPES:
        return "TIMESTAMPTZ"
    if contract_type == "integer" and base in _BIGINT_EXACT:
        return "BIGINT"
    if contract_type == "boolean" and base == "BOOLEAN":
        return "BOOLEAN"
    return "VARCHAR"


def _read_expression(column: str, contract_type: str, parquet_type: str) -> str:
    if parquet_type == "TIMESTAMP_NS":  # cut to microseconds, as text with more digits is
        return f"cast(make_timestamp(epoch_ns({column}) // 1000) as timestamptz)"
    return f"cast({column} as {read_type(contract_type, parquet_type)})"


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


class LineTooLong(FileSkipped):
    """A CSV line longer than the reader's limit (a long free-text field)."""


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
            status varchar, rows_read bigint, columns varchar[], error varchar, loaded_at timestamp,
            column_types varchar[])"""
    )
    # warehouses made before column_types existed; text_columns lived for a day
    con.execute(f"alter table {RAW_SCHEMA}.landing_files add column if not exists column_types varchar[]")
    con.execute(f"alter table {RAW_SCHEMA}.landing_files drop column if exists text_columns")
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


def _csv_reader(path: Path, max_line_size: int | None) -> str:
    wide = f", max_line_size = {max_line_size}" if max_line_size else ""
    return (
        f"read_csv({_sql_str(str(path))}, all_varchar = true, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', ignore_errors = true, store_rejects = true{wide}, "
        f"rejects_table = {_sql_str(REJECTS + '_errors')}, rejects_scan = {_sql_str(REJECTS + '_scans')})"
    )


def _csv_error(error: duckdb.Error, max_line_size: int | None) -> FileSkipped:
    if "max_line_size" in str(error):
        if max_line_size:
            return FileSkipped(f"file skipped: unreadable csv file: a line is longer than {max_line_size:,} bytes")
        return LineTooLong("a line is longer than DuckDB's default limit")
    return FileSkipped(f"file skipped: unreadable csv file: {str(error).splitlines()[0]}")


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB appends every CSV read's rejects to the same tables: clear them, so one
    file's malformed lines are never charged to the next."""
    try:
        con.execute(f"drop table if exists {REJECTS}_errors")
        con.execute(f"drop table if exists {REJECTS}_scans")
    except duckdb.Error:
        pass  # a failed read aborted the transaction; the caller rolls back, the next read drops them


def _columns(con: duckdb.DuckDBPyConnection, reader: str) -> dict[str, tuple[str, str]]:
    """lower-case name -> (name as in the file, DuckDB type) of a file's columns."""
    described = con.execute(f"describe select * from {reader}").fetchall()
    return {row[0].lower(): (row[0], row[1]) for row in described}


def _parquet_type_fits(contract_type: str, parquet_type: str) -> bool:
    base = parquet_type.split("(")[0]
    return base in PARQUET_TYPES_READABLE_AS[contract_type]


def _check_columns(con, source: str, key: str, reader: str, present: dict[str, tuple[str, str]],
                   fmt: str) -> None:
    """Skip a file that breaks the contract as a whole, keeping its rows for the quarantine."""
    missing = [c for c in required_columns(source) if c not in present]
    if missing:
        reason = "file skipped: missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)
        _keep_rows_of_skipped_file(con, source, key, reader, reason)
    if fmt != "parquet":
        return
    for column in CONTRACT[source]:
        if column.name in present and not _parquet_type_fits(column.type, present[column.name][1]):
            reason = (f"file skipped: column {column.name} is {present[column.name][1]}, "
                      f"which cannot be read as a {column.type}")
            _keep_rows_of_skipped_file(con, source, key, reader, reason)
    reserved = sorted(c for c in present if c in RESERVED_PARQUET_COLUMNS)
    if reserved:
        reason = (f"file skipped: a column named {', '.join(reserved)} clashes with the row numbers "
                  "the loader adds; rename it")
        _keep_rows_of_skipped_file(con, source, key, reader, reason)


def _keep_rows_of_skipped_file(con, source: str, key: str, reader: str, reason: str) -> None:
    """A readable file that breaks the contract as a whole: keep each of its rows,
    as JSON, beside the malformed lines, so they are quarantined with the reason
    (a CSV file's malformed lines with their own reason)."""
    try:
        con.execute(
            f"""insert into {RAW_SCHEMA}.malformed_lines
                select {_sql_str(source)}, {_sql_str(key)}, row_number() over (), cast(to_json(t) as varchar),
                       {_sql_str(reason)}
                from {reader} as t"""
        )
        if reader.startswith("read_csv"):
            _keep_malformed_lines(con, source, key)
    except duckdb.Error as error:
        raise FileSkipped(f"{reason}; its rows could not be read either: {str(error).splitlines()[0]}") from None
    rows = con.execute(f"select count(*) from {RAW_SCHEMA}.malformed_lines where file = ?", [key]).fetchone()[0]
    raise FileSkipped(reason, rows)


def _keep_malformed_lines(con, source: str, key: str) -> None:
    """One malformed line per line DuckDB rejected. DuckDB reports a line once per
    missing or extra column; the reason kept is the one that counts the line's fields
    (the first missing column's, or the last extra column's)."""
    con.execute(
        f"""insert into {RAW_SCHEMA}.malformed_lines
            select {_sql_str(source)}, {_sql_str(key)}, line, any_value(csv_line),
                   arg_min(error_type || ': ' || error_message,
                           cast(column_idx as bigint) * (case when error_type = 'TOO MANY COLUMNS' then -1 else 1 end))
            from {REJECTS}_errors
            group by line"""
    )


def _register_parquet(con, source: str, path: Path, key: str) -> tuple[int, list[str], list[str]]:
    reader = f"read_parquet({_sql_str(str(path))})"
    try:
        present = _columns(con, reader)
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable parquet file: {str(error).splitlines()[0]}") from None
    _check_columns(con, source, key, reader, present, "parquet")
    columns = sorted(c for c in present if c in column_names(source))
    # Reading every value of the contract columns finds a damaged page now, while the
    # file can be skipped, instead of failing the build that reads it.
    read_all = ", ".join(f"sum(hash({_ident(present[c][0])}))" for c in columns)
    try:
        rows = con.execute(f"select count(*), {read_all} from {reader}").fetchone()[0]
    except duckdb.Error as error:
        raise FileSkipped(f"file skipped: unreadable parquet file: {str(error).splitlines()[0]}") from None
    return rows, columns, [present[c][1] for c in columns]


def _load_csv(con, source: str, path: Path, key: str,
              max_line_size: int | None = None) -> tuple[int, list[str], list[str]]:
    reader = _csv_reader(path, max_line_size)
    _drop_rejects(con)
    try:
        try:
            present = _columns(con, reader)
        except duckdb.Error as error:
            raise _csv_error(error, max_line_size) from None
        _check_columns(con, source, key, reader, present, "csv")
        selects = [f"{_ident(present[c][0])}" if c in present else "null" for c in column_names(source)]
        try:
            con.execute(
                f"insert into {RAW_SCHEMA}.{source}_csv select {', '.join(selects)}, {_sql_str(key)}, "
                f"row_number() over () from {reader}"
            )
            _keep_malformed_lines(con, source, key)
        except duckdb.Error as error:
            raise _csv_error(error, max_line_size) from None
    finally:
        _drop_rejects(con)
    rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{source}_csv where _file = ?", [key]).fetchone()[0]
    rows += con.execute(f"select count(*) from {RAW_SCHEMA}.malformed_lines where file = ?", [key]).fetchone()[0]
    return rows, sorted(c for c in present if c in column_names(source)), []


def _read_file(con, source: str, path: Path, key: str) -> tuple[int, list[str], list[str]]:
    """(rows read, contract columns present, their Parquet types) of one file brought into raw.*, or
    FileSkipped. A CSV file with a line longer than DuckDB's default limit (a long
    free-text field) is read again with a larger one; the default keeps the reader's
    buffers small for every other file."""
    if _file_format(path) == "parquet":
        return _register_parquet(con, source, path, key)
    try:
        return _load_csv(con, source, path, key)
    except LineTooLong:
        con.execute("rollback")  # the failed read aborted the file's transaction
        con.execute("begin transaction")
        _forget(con, source, key)
        return _load_csv(con, source, path, key, max_line_size=WIDE_CSV_LINE_BYTES)


def _forget(con: duckdb.DuckDBPyConnection, source: str, key: str) -> None:
    con.execute(f"delete from {RAW_SCHEMA}.{source}_csv where _file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.malformed_lines where file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.landing_files where file = ?", [key])


def _parquet_view(source: str, files: list[tuple[str, str, list[str], list[str]]]) -> str:
    """A SELECT over Parquet files (path, key, columns present, their types): the
    contract columns (NULL where no file has one), _file and _row. Files with the same
    columns and types are read together, each such group as its columns' read_type."""
    names = column_names(source)
    if not files:
        cols = ", ".join(f"cast(null as varchar) as {_ident(c)}" for c in names)
        return f"select {cols}, cast(null as varchar) as _file, cast(null as bigint) as _row where false"
    groups: dict[tuple, list] = {}
    for path, key, columns, types in files:
        groups.setdefault(tuple(zip(columns, types)), []).append((path, key))
    anywhere = {c for signature in groups for c, _ in signature}
    return " union all ".join(_parquet_read(source, dict(signature), group, anywhere)
                              for signature, group in groups.items())


def _parquet_read(source: str, types: dict[str, str], files: list[tuple[str, str]], anywhere: set[str]) -> str:
    contract = {c.name: c.type for c in CONTRACT[source]}
    paths = "[" + ", ".join(_sql_str(path) for path, _ in files) + "]"
    keys = "map([" + ", ".join(_sql_str(path) for path, _ in files) + "], [" + ", ".join(
        _sql_str(key) for _, key in files) + "])"
    cols = []
    for c in column_names(source):
        if c in types:
            cols.append(f"{_read_expression(_ident(c), contract[c], types[c])} as {_ident(c)}")
        else:  # untyped where another group has the column, so its type wins the union
            cols.append(f"{'null' if c in anywhere else 'cast(null as varchar)'} as {_ident(c)}")
    return (
        f"select {', '.join(cols)}, {keys}[{FILE_NAME_COLUMN}] as _file, file_row_number + 1 as _row "
        f"from read_parquet({paths}, union_by_name = true, filename = {_sql_str(FILE_NAME_COLUMN)}, "
        f"file_row_number = true)"
    )


def _with_types(con, file: tuple) -> tuple:
    """A file registered before its column types were recorded: read them now, once."""
    path, key, columns, types = file
    if types is None:
        present = _columns(con, f"read_parquet({_sql_str(path)})")
        types = [present[c][1] for c in columns]
        con.execute(f"update {RAW_SCHEMA}.landing_files set column_types = ? where file = ?", [types, key])
    return path, key, columns, types


def refresh_parquet_views(con: duckdb.DuckDBPyConnection) -> None:
    """raw.<source>_parquet: one view per source over its accepted Parquet files,
    with the contract columns (NULL where no file has one), _file and _row.
    raw.<source>_parquet_new and raw.<source>_csv_new: the same for the files the
    last successful build did not read (pmr.build_state), for incremental builds."""
    build_state.ensure_state_tables(con)
    for source in SOURCES:
        for suffix, scope in (("", ""), ("_new", f"and file in (select file from ({build_state.NEW_FILES}))")):
            files = con.execute(
                f"""select path, file, columns, column_types from {RAW_SCHEMA}.landing_files
                    where source = ? and format = 'parquet' and status = 'loaded' {scope} order by file""",
                [source],
            ).fetchall()
            con.execute(f"create or replace view {RAW_SCHEMA}.{source}_parquet{suffix} as "
                        + _parquet_view(source, [_with_types(con, f) for f in files]))
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
            rows, columns, types = _read_file(con, source, path, key)
            status, error = "loaded", None
            report.loaded.append(key)
            report.rows_loaded += rows
        except FileSkipped as problem:
            if not problem.rows:  # nothing kept; a failed read may have aborted the transaction
                con.execute("rollback")
                con.execute("begin transaction")
                _forget(con, source, key)
            rows, columns, types, status, error = problem.rows, [], [], "skipped", problem.reason
            report.skipped[key] = error
        con.execute(
            f"""insert into {RAW_SCHEMA}.landing_files (source, file, path, format, size_bytes, mtime_ns, status,
                    rows_read, columns, error, loaded_at, column_types)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp, ?)""",
            [source, key, str(path), fmt, stat.st_size, stat.st_mtime_ns, status, rows, columns, error, types],
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
