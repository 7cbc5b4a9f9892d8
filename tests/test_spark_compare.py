"""pmr.figure_compare compares DuckDB's published metrics.csv with the figures Spark
computed. Its comparison is checked here on a hand-made file and hand-made rows (the
Spark run itself is `make spark-check`, too slow for the test suite): each case's
outcome is decided by hand from the numbers below."""

from __future__ import annotations

import csv

from pmr.metrics import CSV_COLUMNS
from pmr.figure_compare import compare

BASE = dict(requirement="R1", kind="indicator", period="2026-10", day="", business_process="", segment="All",
            device_type="", service="", time_band="", category="", unit="count", target="", minimum="")


def published(tmp_path, rows):
    path = tmp_path / "metrics.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in CSV_COLUMNS})
    return path


def row(metric_id, value, **changes):
    return dict(BASE, metric_id=metric_id, value=value, **changes)


def spark(metric_id, value, **changes):
    """A row as Spark returns it: numbers as floats, empty cells as None."""
    values = {k: (v or None) for k, v in row(metric_id, value, **changes).items()}
    values["value"] = value
    return values


def test_identical_within_tolerance_different_and_missing(tmp_path):
    path = published(tmp_path, [
        row("a.same", "12.5"),
        row("b.close", "100.0"),      # 100 vs 100.0000000001: relative 1e-12, within 1e-9
        row("c.far", "100.0"),        # 100 vs 101: relative 0.0099, different
        row("d.unit", "7", unit="count"),  # same value, another unit on Spark: different
        row("e.only_duckdb", "1"),
    ])
    result = compare(path, [
        spark("a.same", 12.5),
        spark("b.close", 100.0000000001),
        spark("c.far", 101.0),
        spark("d.unit", 7.0, unit="pct"),
        spark("f.only_spark", 1.0),
    ], tolerance=1e-9)
    assert (result.duckdb_rows, result.spark_rows, result.compared) == (5, 5, 4)
    assert (result.identical, result.within) == (1, 1)
    assert [line.split()[0] for line in result.different] == ["c.far", "d.unit"]
    assert "unit 'count' vs 'pct'" in result.different[1]
    assert [key[0] for key in result.only_duckdb] == ["e.only_duckdb"]
    assert [key[0] for key in result.only_spark] == ["f.only_spark"]
    assert abs(result.largest - 1 / 101) < 1e-12
    assert not result.ok


def test_a_null_on_one_side_only_is_a_difference(tmp_path):
    path = published(tmp_path, [row("a.empty", "")])
    assert not compare(path, [spark("a.empty", 3.0)], tolerance=1e-9).ok
    assert compare(path, [spark("a.empty", None)], tolerance=1e-9).ok
