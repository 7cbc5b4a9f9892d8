"""Compare the figures of DuckDB's published metrics.csv with the same figures computed
on another engine (rows of dicts with the columns of metrics.csv, as Spark collects
them): the same keys, the same labels, every number equal within a relative
tolerance. Used by `make spark-check` (pmr.spark_check)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pmr.metrics import CSV_COLUMNS, METRIC_COLUMNS

TOLERANCE = 1e-9
# A figure's key: the columns that tell one row of metrics.csv from another.
KEY = tuple(c for c in METRIC_COLUMNS if c != "value")
NUMBERS = ("value", "target", "minimum")
LABELS = tuple(c for c in CSV_COLUMNS if c not in KEY and c not in NUMBERS)


def as_csv_text(value) -> str:
    """A Spark value as metrics.csv writes it (null as an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _number(value) -> float | None:
    return None if value is None or value == "" else float(value)


@dataclass
class Comparison:
    duckdb_rows: int = 0
    spark_rows: int = 0
    compared: int = 0
    identical: int = 0
    within: int = 0
    different: list[str] = field(default_factory=list)
    only_duckdb: list[tuple] = field(default_factory=list)
    only_spark: list[tuple] = field(default_factory=list)
    duplicated: list[tuple] = field(default_factory=list)
    largest: float = 0.0
    largest_at: str = ""

    @property
    def ok(self) -> bool:
        return not (self.different or self.only_duckdb or self.only_spark or self.duplicated)


def compare(csv_path: Path, spark_rows: list[dict], tolerance: float) -> Comparison:
    result = Comparison()
    with csv_path.open(newline="") as f:
        published = list(csv.DictReader(f))
    result.duckdb_rows, result.spark_rows = len(published), len(spark_rows)
    duck = {}
    for row in published:
        key = tuple(row[c] for c in KEY)
        if key in duck:
            result.duplicated.append(("duckdb", *key))
        duck[key] = row
    spark = {}
    for row in spark_rows:
        key = tuple(as_csv_text(row[c]) for c in KEY)
        if key in spark:
            result.duplicated.append(("spark", *key))
        spark[key] = row
    result.only_duckdb = sorted(set(duck) - set(spark))
    result.only_spark = sorted(set(spark) - set(duck))
    for key in sorted(set(duck) & set(spark)):
        d, s = duck[key], spark[key]
        result.compared += 1
        name = " ".join(k for k in key if k)
        problems, exact = [], True
        for column in LABELS:
            if d[column] != as_csv_text(s[column]):
                problems.append(f"{column} {d[column]!r} vs {as_csv_text(s[column])!r}")
        for column in NUMBERS:
            a, b = _number(d[column]), _number(s[column])
            if a is None or b is None:
                if (a is None) != (b is None):
                    problems.append(f"{column} {d[column]!r} vs {s[column]!r}")
                continue
            if a == b:
                continue
            exact = False
            relative = abs(a - b) / max(abs(a), abs(b))
            if relative > result.largest:
                result.largest, result.largest_at = relative, f"{name} {column}: {d[column]} vs {b!r}"
            if not relative <= tolerance:
                problems.append(f"{column} {d[column]} vs {b!r} (relative {relative:.2e})")
        if problems:
            result.different.append(f"{name}: " + "; ".join(problems))
        elif exact:
            result.identical += 1
        else:
            result.within += 1
    return result
