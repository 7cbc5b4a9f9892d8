"""Reading one Parquet landing file: it is read in place (raw.<source>_parquet, a view
refreshed by pmr.ingest), after its columns and column types are checked and every
contract column is read once, so that a damaged file is found here rather than halfway
through the build. `read_type` says as what each column is read. A file with a column
named like the row number or file name DuckDB adds is copied as text instead.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pmr.contract import CONTRACT, column_names
from pmr.delivered_format import delivered_as
from pmr.landing_file import (RAW_SCHEMA, FileSkipped, UnreadableRows, check_contract_columns, file_columns,
                              file_literal, ident, keep_rows_of_skipped_file, split_columns, sql_str)

FILE_NAME_COLUMN = "_pmr_landing_file"  # the Parquet view's file name column, named apart from any file column
# A Parquet file with a column named like this cannot be read in place beside the row
# number and file name DuckDB adds: its rows are copied as text instead (_copy_parquet_as_text).
RESERVED_PARQUET_COLUMNS = {"file_row_number", FILE_NAME_COLUMN}
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_TIMESTAMP_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS",
                    "TIMESTAMPTZ_NS"}
NANOSECOND_TYPES = {"TIMESTAMP_NS", "TIMESTAMPTZ_NS"}
# The type of a column with no value at all (pyarrow and pandas write an all-null
# column so): it holds nothing to misread, so it reads as any contract type.
NULL_TYPE = '"NULL"'
# The Parquet column types (as DuckDB names them) each contract type is read from
# (read_type says as what); nested types, binary, dates and 128-bit integers are not,
# so a file holding one is skipped instead of failing the build.
PARQUET_TYPES_READABLE_AS = {
    "string": {"VARCHAR", NULL_TYPE} | _INTEGER_TYPES,
    "timestamp": {"VARCHAR", NULL_TYPE} | _TIMESTAMP_TYPES,
    "integer": {"VARCHAR", "FLOAT", "DOUBLE", "DECIMAL", NULL_TYPE} | _INTEGER_TYPES,
    "boolean": {"VARCHAR", "BOOLEAN", NULL_TYPE} | _INTEGER_TYPES,
}
# What to change, for a type some writers use by default: Hive and Impala write text as
# binary without the STRING annotation unless told otherwise.
_TYPE_ADVICE = {"BLOB": " (Parquet binary without the STRING annotation): write text columns as strings"}
_NATIVE_TYPES = {"timestamp": "TIMESTAMPTZ", "integer": "BIGINT", "boolean": "BOOLEAN", "string": "VARCHAR"}
_BIGINT_EXACT = _INTEGER_TYPES - {"UBIGINT"}  # UBIGINT can exceed BIGINT: read as text, checked there


def read_type(contract_type: str, parquet_type: str) -> str:
    """The type a file's column is read as, decided by that file alone: the native type
    of the contract (TIMESTAMPTZ, BIGINT, BOOLEAN) when the file's type converts to it
    exactly, else text. Files whose types differ are read apart and only then combined,
    so a new file can never change how an older one reads (an incremental build must
    equal a full one): a text column makes the combined column text, and the text of
    a native value converts back to the same value."""
    base = parquet_type.split("(")[0]
    if base == NULL_TYPE:
        return _NATIVE_TYPES[contract_type]
    if contract_type == "timestamp" and base in _TIMESTAMP_TYPES:
        return "TIMESTAMPTZ"
    if contract_type == "integer" and base in _BIGINT_EXACT:
        return "BIGINT"
    if contract_type == "boolean" and base == "BOOLEAN":
        return "BOOLEAN"
    return "VARCHAR"


def _parquet_type_fits(contract_type: str, parquet_type: str) -> bool:
    base = parquet_type.split("(")[0]
    return base in PARQUET_TYPES_READABLE_AS[contract_type]


def register_parquet(con, source: str, path: Path, key: str) -> tuple[int, list[str], list[str], list[str]]:
    reader = f"read_parquet({file_literal(path)})"
    try:
        present = file_columns(con, reader)
        names = _names_as_written(con, path)
    except duckdb.Error as error:
        if not path.stat().st_size:  # a Parquet file without rows still has its footer: a copy interrupted?
            raise FileSkipped("file skipped: empty file (0 bytes), which no Parquet file is, even one without rows: "
                              "an interrupted copy? deliver it again") from None
        other = delivered_as(path)
        if other and other[0] != "a Parquet file":
            what, advice = other
            raise FileSkipped(f"file skipped: the file is {what}, not Parquet; {advice}") from None
        if other:  # it starts as Parquet, but the footer at its end, which says what it holds, does not read
            raise FileSkipped("file skipped: truncated or damaged Parquet file (it starts as Parquet, but its footer "
                              "does not read: an interrupted copy?); its rows cannot be counted: deliver it again "
                              f"({str(error).splitlines()[0]})") from None
        raise FileSkipped(f"file skipped: unreadable parquet file: {str(error).splitlines()[0]}") from None
    check_contract_columns(con, source, key, reader, present, names)
    for column in CONTRACT[source]:
        if column.name in present and not _parquet_type_fits(column.type, present[column.name][1]):
            reason = (f"file skipped: column {column.name} is {present[column.name][1]}, "
                      f"which cannot be read as a {column.type}{_TYPE_ADVICE.get(present[column.name][1], '')}")
            keep_rows_of_skipped_file(con, source, key, reader, reason)
    columns, others = split_columns(source, present)
    # Reading every value of the contract columns finds a damaged page now, while the
    # file can be skipped, instead of failing the build that reads it.
    read_all = ", ".join(f"sum(hash({ident(present[c][0])}))" for c in columns)
    try:
        rows = con.execute(f"select count(*), {read_all} from {reader}").fetchone()[0]
    except duckdb.Error as error:
        raise UnreadableRows(f"file skipped: unreadable parquet file: {str(error).splitlines()[0]}", reader) from None
    if any(c in RESERVED_PARQUET_COLUMNS for c in present):
        return _copy_parquet_as_text(con, source, key, reader, present), columns, others, []
    return rows, columns, others, [present[c][1] for c in columns]


def _names_as_written(con, path: Path) -> list[str]:
    """A Parquet file's top-level column names as its schema has them (DuckDB's reader
    numbers a repeated name). The schema lists each column after its parent, depth first."""
    schema = con.execute(f"select name, coalesce(num_children, 0) from parquet_schema({file_literal(path)})").fetchall()

    def past(position: int) -> int:  # the position after a column and every column it holds
        end = position + 1
        for _ in range(schema[position][1]):
            end = past(end)
        return end

    names, position = [], 1
    for _ in range(schema[0][1]):
        names.append(schema[position][0])
        position = past(position)
    return names


def _copy_parquet_as_text(con, source: str, key: str, reader: str, present: dict[str, tuple[str, str]]) -> int:
    """The contract columns of a Parquet file that has a column named `file_row_number`
    (an extra column the contract says to ignore, which DuckDB's own row number would
    clash with), copied as text into raw.<source>_csv like a CSV file's rows: the text
    of a typed value reads back as the same value. Its rows are numbered in the order
    read, as a CSV file's are (DuckDB keeps insertion order). Returns the rows copied."""
    selects = [f"cast({ident(present[c][0])} as varchar)" if c in present else "null" for c in column_names(source)]
    con.execute(f"insert into {RAW_SCHEMA}.{source}_csv select {', '.join(selects)}, {sql_str(key)}, "
                f"row_number() over () from {reader}")
    return con.execute(f"select count(*) from {RAW_SCHEMA}.{source}_csv where _file = ?", [key]).fetchone()[0]


def quarantine_unreadable_rows(con, source: str, key: str, reader: str, reason: str) -> int:
    """Each row the footer of an UnreadableRows file counts, as a quarantined row with
    the reason (no values can be kept); returns how many. Called by ingest once the
    failed read's transaction is rolled back."""
    rows = con.execute(f"select count(*) from {reader}").fetchone()[0]
    con.execute(
        f"""insert into {RAW_SCHEMA}.malformed_lines
            select {sql_str(source)}, {sql_str(key)}, range + 1, null, {sql_str(reason)} from range(?)""",
        [rows],
    )
    return rows
