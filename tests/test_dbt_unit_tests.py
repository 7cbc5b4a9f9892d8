"""Every dbt unit test of the project (`unit_tests:` in the models' YAML: given rows
-> expected rows) passes. dbt needs the tested models' parents to exist to know
their column types, so the unit-tested models and their ancestors are first built
empty (`--empty`: every model selects zero rows) into a throwaway DuckDB file."""

from __future__ import annotations

import duckdb

from pmr.dbt_runner import run_dbt
from pmr.ingest import ensure_raw_tables, refresh_parquet_views

MONTH = "2026-10"


def test_dbt_unit_tests_pass(tmp_path):
    db = tmp_path / "unit.duckdb"
    con = duckdb.connect(str(db))
    try:
        ensure_raw_tables(con)  # the landing sources, empty
        refresh_parquet_views(con)
    finally:
        con.close()

    built = run_dbt(
        ["build", "--empty", "--select", "+test_type:unit", "--exclude-resource-type", "test", "unit_test"],
        db,
        period=MONTH,
    )
    assert built.ok, built.log_tail

    result = run_dbt(["test", "--select", "test_type:unit"], db, period=MONTH)
    unit_tests = [r for r in result.results if r["unique_id"].startswith("unit_test.")]
    failures = [f"{r['unique_id']}: {r.get('message')}" for r in result.failures()]
    print(f"{len(unit_tests)} dbt unit tests run")
    assert result.ok, "\n".join(failures) or result.log_tail
    assert unit_tests, "no dbt unit test was found"
    assert all(r["status"] == "pass" for r in unit_tests), failures
