"""`pmr sql`: one query against the warehouse, read-only, for an analyst without a
DuckDB shell. The connection is pmr's own (pmr.warehouse.connect): UTC session time
zone and the memory limit of a run, so a query sees timestamps as the models wrote them."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from pmr.warehouse import WarehouseLocked, connect, db_path

# rows printed as a table before the rest is only counted: --csv writes them all
SHOWN_ROWS = 40


class NoWarehouse(FileNotFoundError):
    """The warehouse file does not exist: nothing has been built there."""


def run_sql(db: Path, sql: str, as_csv: bool = False, out: TextIO | None = None) -> int:
    """Run `sql` on the warehouse `db` opened read-only and write its result to `out`:
    a table of the first SHOWN_ROWS rows, or every row as CSV. Returns the number of
    rows. Raises NoWarehouse, pmr.warehouse.WarehouseLocked (another process writes the
    file) or duckdb.Error (the query's own error, a write refused among them)."""
    out = out or sys.stdout  # looked up now: a caller may have replaced it
    if not db.is_file():
        raise NoWarehouse(f"no warehouse at {db}: build one with pmr run (or name it with --db or PMR_DB)")
    with connect(db, read_only=True) as con:
        result = con.execute(sql)
        if result.description is None:  # a statement without a result (SET, PRAGMA ...)
            return 0
        columns = [column[0] for column in result.description]
        if as_csv:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            count = 0
            while batch := result.fetchmany(10_000):
                writer.writerows(batch)
                count += len(batch)
            return count
        shown = result.fetchmany(SHOWN_ROWS)
        count = len(shown)
        while batch := result.fetchmany(10_000):
            count += len(batch)
        out.write(text_table(columns, shown))
        if count > SHOWN_ROWS:
            out.write(f"{count:,} rows, the first {SHOWN_ROWS} shown: --csv writes them all\n")
        else:
            out.write(f"{count:,} row{'s' if count != 1 else ''}\n")
        return count


def text_table(columns: list[str], rows: list[tuple]) -> str:
    """Rows under their column names, in columns as wide as their widest value; NULL for
    a missing value."""
    cells = [columns] + [["NULL" if value is None else str(value) for value in row] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def is_write_refused(error: duckdb.Error) -> bool:
    return "read-only mode" in str(error)


def cmd_sql(args: argparse.Namespace) -> int:
    try:
        run_sql(db_path(args.db), args.query, as_csv=args.csv)
    except NoWarehouse as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except WarehouseLocked as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except duckdb.Error as error:
        hint = " (pmr sql opens the warehouse read-only: the models are rebuilt by pmr run)" \
            if is_write_refused(error) else ""
        print(f"error: {error}{hint}", file=sys.stderr)
        return 1
    return 0
