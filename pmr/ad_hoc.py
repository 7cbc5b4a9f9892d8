"""`pmr sql`: one query against the warehouse, read-only, for an analyst without a
DuckDB shell, and `open_warehouse()` for a notebook. Both read the warehouse's reading
copy (pmr.reading_copy), which no run waits for, unless told to read the warehouse
itself. The connection is pmr's own (pmr.warehouse.connect): UTC session time zone and
the memory limit of a run, so a query sees timestamps as the models wrote them."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

import duckdb
import pyarrow

from pmr import stops
from pmr.reading_copy import copy_damaged_message, copy_lock_message, file_to_read
from pmr.warehouse import (WarehouseDamaged, WarehouseLocked, connect, damaged_error, damaged_message, db_path,
                           first_line, open_connection, out_of_memory_error, out_of_memory_message)

# rows printed as a table before the rest is only counted: --csv writes them all
SHOWN_ROWS = 40
ARROW_BATCH_ROWS = 1_000_000
# Where an unqualified table name is looked up, so `select * from fct_alerts` works and
# `show tables` lists the warehouse's tables (DuckDB's default schema, main, is empty).
SEARCH_PATH = ("marts", "metrics", "staging", "intermediate", "reference", "utilities", "raw")
# Statements with rows to show; others (SET, COPY ... TO a file) are run and print nothing.
RETURNS_ROWS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN, duckdb.StatementType.PRAGMA,
                duckdb.StatementType.CALL)


class NoWarehouse(FileNotFoundError):
    """The warehouse file does not exist: nothing has been built there."""


class NotOneStatement(ValueError):
    """pmr sql runs exactly one statement."""


def run_sql(db: Path, sql: str, as_csv: bool = False, out: TextIO | None = None) -> int | None:
    """Run `sql` on the warehouse `db` opened read-only and write its result to `out`:
    a table of the first SHOWN_ROWS rows, or every row as CSV; nothing for a statement
    without rows (SET, COPY ... TO a file). The statement runs once. Returns the number
    of rows of the table, else None. Raises NoWarehouse, NotOneStatement,
    pmr.warehouse.WarehouseLocked (another process writes the file) or duckdb.Error (the
    query's own error, a write refused among them)."""
    out = out or sys.stdout  # looked up now: a caller may have replaced it
    if not db.is_file():
        raise NoWarehouse(f"no warehouse at {db}: build one with pmr run (or name it with --db or PMR_DB)")
    with connect(db, read_only=True) as con:
        stops.interrupt_at_once(con)  # a single-task query would otherwise run on to its end after Ctrl-C
        _name_tables_without_schema(con)
        statements = con.extract_statements(sql)
        if len(statements) != 1:
            raise NotOneStatement(
                "no SQL statement given" if not statements else
                f"pmr sql runs one statement at a time; this holds {len(statements)}: run each on its own")
        if statements[0].type not in RETURNS_ROWS:
            con.execute(sql)
            return None
        if as_csv:
            write_csv(con.sql(sql), out)
            return None
        relation = con.sql(sql)
        shown, count = first_rows_and_count(con, relation, SHOWN_ROWS)
        out.write(text_table(relation.columns, shown))
        if count > SHOWN_ROWS:
            out.write(f"{count:,} rows, the first {SHOWN_ROWS} shown: --csv writes them all\n")
        else:
            out.write(f"{count:,} row{'s' if count != 1 else ''}{empty_result_hint(con, sql) if count == 0 else ''}\n")
        return count


def _name_tables_without_schema(con: duckdb.DuckDBPyConnection) -> None:
    present = {name for (name,) in con.execute(
        "select schema_name from duckdb_schemas() where database_name = current_database()").fetchall()}
    if any(schema in present for schema in SEARCH_PATH):  # DuckDB refuses a schema that is not there
        con.execute(f"SET search_path = '{','.join(s for s in SEARCH_PATH if s in present)}'")


def open_warehouse(db: Path | str | None = None, live: bool = False) -> duckdb.DuckDBPyConnection:
    """The warehouse (`db`, else $PMR_DB or warehouse/pmr.duckdb) opened read-only as
    `pmr sql` opens it, for a notebook: its reading copy, the build of the last run that
    made one, which runs never wait for (`live` for the warehouse itself, which blocks
    every run while open); times in UTC, pmr's memory limit, and tables named without
    their schema. Reopen it to see a later run's build."""
    warehouse = Path(db) if db is not None else db_path()
    path = file_to_read(warehouse, live, session=True)
    if not path.is_file():
        raise NoWarehouse(f"no warehouse at {path}: build one with pmr run (or name it with PMR_DB)")
    try:
        con = open_connection(path, read_only=True)
    except WarehouseLocked:
        if path == warehouse:
            raise
        raise WarehouseLocked(copy_lock_message(path)) from None
    except WarehouseDamaged as damaged:
        if path == warehouse:
            raise
        raise WarehouseDamaged(damaged.detail, words=_damaged_words(path, warehouse, damaged.detail)) from None
    _name_tables_without_schema(con)
    return con


# The relations whose rows are of the month built (pmr_*, metric_*, the month's int_*
# views) or of the landed days (fct_*): those a query of another month finds empty
MONTH_OR_DAYS_TABLES = re.compile(r"\b(pmr_|metric|fct_|int_)", re.I)


def empty_result_hint(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Beside "0 rows": the month the warehouse was built for, when `sql` reads tables of
    a month or of the landed days, since a query of another month's days on them finds
    nothing rather than failing; whatever it reads, that the last build did not finish."""
    try:
        period, status = con.execute("select max(period), max(status) from raw.build_state").fetchone()
    except duckdb.Error:  # a warehouse without pmr's build record
        return ""
    if not period or (status == "built" and not MONTH_OR_DAYS_TABLES.search(sql)):
        return ""
    unfinished = "" if status == "built" else f", which did not finish ({status}): its tables may be partly rebuilt"
    return (f" (this warehouse holds the build of {period}{unfinished}: the pmr_* marts and the metrics tables "
            "hold that month only, the fct_* facts every landed day)")


def first_rows_and_count(con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation,
                         first: int) -> tuple[list[tuple], int]:
    """The first `first` rows of `relation` as Python values and how many rows it has,
    from one run streamed in Arrow batches: memory stays at a batch whatever the result's
    size (a whole month of alerts), where a fetched result held every row. The shown rows
    go back through DuckDB so that their values print much as DuckDB gives them (an
    interval as a duration, not Arrow's months/days/nanoseconds; a HUGEINT prints as the
    same digits). A TIME WITH TIME ZONE goes as DuckDB's text of it, offset included,
    and so does a list or struct that holds one: Arrow's time type has no zone, so it
    came back without its offset."""
    def holds_time_zone(type_) -> bool:
        return "TIME WITH TIME ZONE" in str(type_)

    if any(holds_time_zone(type_) for type_ in relation.types):
        # by position (#n): a result may hold two columns of one name
        relation = relation.select(", ".join(
            f"#{n}::VARCHAR" if holds_time_zone(type_) else f"#{n}"
            for n, type_ in enumerate(relation.types, start=1)))
    reader = relation.to_arrow_reader(ARROW_BATCH_ROWS)
    head, count = [], 0
    for batch in reader:
        if count < first:
            head.append(batch.slice(0, first - count))
        count += batch.num_rows
    return con.from_arrow(pyarrow.Table.from_batches(head, schema=reader.schema)).fetchall(), count


def write_csv(result: duckdb.DuckDBPyRelation, out: TextIO) -> None:
    """Every row of `result` as CSV on `out`, written by DuckDB's CSV writer (ten times
    faster than rows through Python; true/false, ISO timestamps, NULL empty) into a
    scratch file first, as it writes files only."""
    with tempfile.TemporaryDirectory(prefix="pmr-sql-") as scratch:
        path = Path(scratch) / "result.csv"
        result.write_csv(str(path), header=True)
        out.flush()
        with path.open(encoding="utf-8", newline="") as csv_file:
            shutil.copyfileobj(csv_file, out, 1 << 20)


# A line break or tab in a value (a quarantined line's raw text may hold a stray CR) would
# break the table's lines and columns: shown as Python writes it, \r, \n, \t, \x00
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _cell(value) -> str:
    text = "NULL" if value is None else str(value)
    return CONTROL_CHARACTER.sub(lambda found: repr(found.group())[1:-1], text)


def text_table(columns: list[str], rows: list[tuple]) -> str:
    """Rows under their column names, in columns as wide as their widest value; NULL for
    a missing value; a control character as its escape (the CSV keeps every value as it is)."""
    cells = [[_cell(name) for name in columns]] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def is_write_refused(error: duckdb.Error) -> bool:
    # "Cannot open database ... in read-only mode: database does not exist" is an ATTACH
    # of a file not there, which no write was refused
    return "read-only mode" in str(error) and "does not exist" not in str(error)


LANDING_FILE_GONE = "No files found that match the pattern"  # DuckDB's error for a Parquet file not there
LANDING_MOVED_HINT = (" (the views over Parquet landing files, raw.*_parquet and what reads them such as stg_* "
                      "and fct_alerts, read the files where the last pmr run found them: put the landing folder "
                      "back, or run pmr run again with --landing where it is now)")


def _damaged_words(path: Path, warehouse: Path, detail: str) -> str:
    return damaged_message(detail, path=path) if path == warehouse else copy_damaged_message(path, detail)


def cmd_sql(args: argparse.Namespace) -> int:
    if len(args.query) > 1:  # the shell split an unquoted query into words
        print("error: pmr sql takes the query as one argument: put it in quotes, e.g. "
              "pmr sql \"select * from fct_alerts limit 5\" (unquoted, the shell splits it into words and "
              "expands *)", file=sys.stderr)
        return 1
    warehouse = db_path(args.db)
    path = file_to_read(warehouse, args.live, session=False)
    try:
        run_sql(path, args.query[0], as_csv=args.csv)
    except WarehouseLocked as error:
        print(f"error: {error if path == warehouse else copy_lock_message(path)}", file=sys.stderr)
        return 3
    except WarehouseDamaged as damaged:
        print(f"error: {_damaged_words(path, warehouse, damaged.detail)}", file=sys.stderr)
        return 1
    except duckdb.Error as error:
        if stops.stop_behind(error):
            raise
        if damaged_error(error):  # a block the query read
            print(f"error: {_damaged_words(path, warehouse, first_line(damaged_error(error)))}", file=sys.stderr)
            return 1
        if out_of_memory_error(error):
            print(f"error: {out_of_memory_message(error)}", file=sys.stderr)
            return 1
        hint = " (pmr sql opens the warehouse read-only: the models are rebuilt by pmr run)" \
            if is_write_refused(error) else LANDING_MOVED_HINT if LANDING_FILE_GONE in str(error) else ""
        print(f"error: {error}{hint}", file=sys.stderr)
        return 1
    except (NoWarehouse, NotOneStatement, ValueError) as error:  # ValueError: an unreadable PMR_MEMORY_LIMIT
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
