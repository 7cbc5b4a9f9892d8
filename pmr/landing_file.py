"""Reading one landing file into raw.*, or skipping it with its reason (FileSkipped):
what every file shares (CSV files: pmr.landing_csv; Parquet files: pmr.landing_parquet;
what a file really is, by its first bytes: pmr.delivered_format).

A file that cannot be read, that misses a required column or names a contract column
twice, or (pmr.landing_parquet) whose Parquet column has a type its contract column
cannot be read from, is skipped; the rows of such a file that can still be read are
kept in `raw.malformed_lines`, so they are quarantined.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import duckdb

from pmr.contract import column_names, misspelt_columns, repeated_columns, required_columns
from pmr.csv_header import header_line_naming, separated_by_semicolons
from pmr.warehouse import machine_limit

RAW_SCHEMA = "raw"


class FileSkipped(Exception):
    """A landing file skipped as a whole. `rows`: its rows kept for the quarantine;
    `counted`: whether those are all the rows it holds. A file skipped before its rows
    could be counted (no Parquet footer, another format, UTF-16, no CSV dialect, a read
    error, a .csv.gz cut short) holds an unknown number of rows, which no figure
    includes, so the gate blocks publication until it is delivered again or moved out of
    the landing folder."""

    def __init__(self, reason: str, rows: int = 0, counted: bool = False):
        super().__init__(reason)
        self.reason, self.rows, self.counted = reason, rows, counted


class UnreadableRows(FileSkipped):
    """A Parquet file whose footer reads but whose values do not (a damaged page, text
    that is not UTF-8). Its footer still says how many rows it holds (count(*) reads
    only the footer), so ingest counts each as read and quarantines it with the
    reason: a large damaged file then counts against the quarantine limit instead of
    disappearing from the accounting."""

    def __init__(self, reason: str, reader: str):
        super().__init__(reason, counted=True)
        self.reader = reader


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


GLOB_CHARACTERS = "*?["


def glob_escaped(path) -> str:
    """The path as DuckDB's readers must be given it to open exactly this file: they take
    `*`, `?` and `[` as a glob ("any file names" are allowed by the contract), so each is
    put in a bracket class of its own. The file name DuckDB reports is the real one."""
    return "".join(f"[{c}]" if c in GLOB_CHARACTERS else c for c in str(path))


def nameable_by_duckdb(path) -> bool:
    """Whether DuckDB's readers can open this path: not one with a backslash and a glob
    character, which DuckDB's glob splits at the backslash as at a folder separator, so
    no escaping finds the file (tried: a bracket class of either, a doubled backslash)."""
    text = str(path)
    return "\\" not in text or not any(c in text for c in GLOB_CHARACTERS)


def file_literal(path) -> str:
    """A SQL literal that names exactly this file to DuckDB's readers (glob_escaped)."""
    return sql_str(glob_escaped(path))


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_format(path: Path) -> str:
    return "parquet" if path.name.lower().endswith(".parquet") else "csv"


def file_columns(con: duckdb.DuckDBPyConnection, reader: str) -> dict[str, tuple[str, str]]:
    """lower-case name -> (name as in the file, DuckDB type) of a file's columns."""
    described = con.execute(f"describe select * from {reader}").fetchall()
    return {row[0].lower(): (row[0], row[1]) for row in described}


def split_columns(source: str, present: dict[str, tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(the contract columns a file has, sorted; its other columns as written, in file
    order: ignored, and listed so that one renamed from a contract column is seen)."""
    contract = column_names(source)
    return sorted(c for c in present if c in contract), [name for c, (name, _) in present.items() if c not in contract]


def check_contract_columns(con, source: str, key: str, reader: str, present: dict[str, tuple[str, str]],
                           names: list[str], path: Path | None = None,
                           keep_malformed_lines: Callable[[], None] | None = None) -> None:
    """Skip a file that misses a required column, names a contract column twice
    (`names`: its columns as DuckDB matches them, before it numbers a repeat; it would
    read the first and call the other <name>_1, so which one holds the values would be
    a guess), or has a column that looks like a misspelling of one it lacks (read as
    an extra column, that contract column would be empty in every row), keeping its
    rows for the quarantine (keep_rows_of_skipped_file). For a CSV file (`path`) whose
    header comes after a title line, say so."""
    problems = []
    missing = [c for c in required_columns(source) if c not in present]
    # with its smets column, a file shows whether any row needs csp_region
    region_rows = _rows_needing_a_region(con, reader, present["smets"][0]) if (
        REGION in missing and "smets" in present) else None
    if region_rows == 0:
        missing.remove(REGION)  # read as empty in every row, as an optional column is
    if missing:
        problems.append("missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
        if region_rows:
            problems[-1] += (f" (required by its {region_rows:,} SMETS2 row{'s' if region_rows > 1 else ''}; a "
                             "file of SMETS1 rows only may leave it out)")
        header_line = path and len(missing) == len(required_columns(source)) and header_line_naming(path, missing)
        if header_line:
            problems[-1] += f" (they are on line {header_line}: the contract's header must be the first line)"
        elif path and separated_by_semicolons(path, missing):
            problems[-1] += (" (the header names them separated by semicolons: the contract's CSV separates values "
                             "by commas)")
    problems += [f"column {name} is named {'twice' if len(numbers) == 2 else f'{len(numbers)} times'} "
                 f"(columns {', '.join(map(str, numbers[:-1]))} and {numbers[-1]} of the file)"
                 for name, numbers in repeated_columns(source, names).items()]
    problems += [f"column {name} is not in the contract: is it {column}?"
                 + ("" if column in required_columns(source) else f" (without {column} the file has it empty)")
                 for name, column in misspelt_columns(source, names).items()]
    if problems:  # each said at once, so one correction of the extract settles them all
        keep_rows_of_skipped_file(con, source, key, reader, "file skipped: " + "; ".join(problems),
                                  keep_malformed_lines)


# Required of the rows of SMETS2 devices only (raw-extracts.md: "SMETS2: yes")
REGION = "csp_region"


def _rows_needing_a_region(con, reader: str, smets: str) -> int | None:
    """The rows of a file without csp_region whose device is SMETS2 (`smets`: the
    column as the file names it), which the staging rule (macro valid_segment_columns)
    would quarantine for want of a region: the file is then skipped as missing the
    column. 0 in a file of SMETS1 rows, whose segment is SMETS1 whatever their region.
    None when the rows cannot be read: the file is skipped."""
    try:
        return con.execute(f"select count(*) from {reader} where {ident(smets)} = 'SMETS2'").fetchone()[0]
    except duckdb.Error as error:
        if machine_limit(error):  # no fault of the file: ingest stops the run
            raise
        return None


def keep_rows_of_skipped_file(con, source: str, key: str, reader: str, reason: str,
                               keep_malformed_lines: Callable[[], None] | None = None) -> NoReturn:
    """A readable file that breaks the contract as a whole: keep each of its rows,
    as JSON, beside the malformed lines, so they are quarantined with the reason
    (`keep_malformed_lines`: a CSV file's reader keeps the lines it rejected, with
    their own reason)."""
    try:
        con.execute(
            f"""insert into {RAW_SCHEMA}.malformed_lines
                select {sql_str(source)}, {sql_str(key)}, row_number() over (), cast(to_json(t) as varchar),
                       {sql_str(reason)}
                from {reader} as t"""
        )
        if keep_malformed_lines:
            keep_malformed_lines()
    except duckdb.Error as error:
        if machine_limit(error):  # no fault of the file: ingest stops the run
            raise
        reason = f"{reason}; its rows could not be read either: {str(error).splitlines()[0]}"
        if not reader.startswith("read_parquet"):
            raise FileSkipped(reason) from None
    else:
        rows = con.execute(f"select count(*) from {RAW_SCHEMA}.malformed_lines where file = ?", [key]).fetchone()[0]
        raise FileSkipped(reason, rows, counted=True)
    raise UnreadableRows(reason, reader)


def restart_file(con: duckdb.DuckDBPyConnection, source: str, key: str) -> None:
    """A failed read aborts the file's transaction: roll it back and start the file's
    transaction again, with nothing of the file left in raw.*."""
    con.execute("rollback")
    con.execute("begin transaction")
    forget(con, source, key)


def forget(con: duckdb.DuckDBPyConnection, source: str, key: str) -> None:
    con.execute(f"delete from {RAW_SCHEMA}.{source}_csv where _file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.malformed_lines where file = ?", [key])
    con.execute(f"delete from {RAW_SCHEMA}.landing_files where file = ?", [key])
