"""The same extracts delivered as CSV or as Parquet build the same warehouse. The
generator writes one landing in each format from the same seed (the same rows:
test_generator), `pmr inject-faults` adds the same faulty rows to each, and `pmr run`
builds each month. CSV files are copied as text and typed by the staging models,
Parquet files are read typed in place: two paths that must give every staged row
(timestamps to the microsecond, booleans, numbers), the accounting of quality.csv
(file names aside) and every figure of metrics.csv, byte for byte, alike."""


import duckdb
import pytest

from pmr import SOURCES
from pmr.faults import inject_faults
from pmr.generator import generate
from pmr.pipeline import run_month
from tests.helpers import read_csv_rows

MONTH = "2026-10"
FORMATS = ("csv", "parquet")


@pytest.fixture(scope="module")
def builds(generated_month, tmp_path_factory):
    """The Parquet month of tests/conftest.py, and the same days generated as CSV."""
    base = tmp_path_factory.mktemp("csv")
    landing, db = base / "landing", base / "w.duckdb"
    generate(*generated_month["generated_with"], landing, fmt="csv")
    inject_faults(landing, generated_month["faults_day"])
    # three days of the month: the others have no data
    link = run_month(MONTH, landing, base / "out", db=db, allow_missing_days=True)
    return {"csv": dict(db=db, link=link), "parquet": generated_month}


def test_metrics_csv_is_byte_identical(builds):
    metrics = [(builds[fmt]["link"] / "metrics.csv").read_bytes() for fmt in FORMATS]
    assert metrics[0].count(b"\n") > 100
    assert metrics[0] == metrics[1]


def quality_rows(build) -> list[dict]:
    return read_csv_rows(build["link"] / "quality.csv")


def test_quality_csv_accounts_for_the_same_rows_file_by_file(builds):
    def generated(fmt):
        """(source, file named as the Parquet landing names it, counts, reason) of each generated file."""
        return sorted((row["source"], row["file"].replace(".csv", ".parquet"), *list(row.values())[2:])
                      for row in quality_rows(builds[fmt]) if not row["file"].endswith(".faults.csv"))

    assert {row["file"].rsplit(".", 1)[-1] for row in quality_rows(builds["csv"])} == {"csv"}
    assert len(generated("csv")) >= 7 * 3 and generated("csv") == generated("parquet")
    # the faulty rows are CSV files in both landings, quarantined alike
    faults = [[row for row in quality_rows(builds[fmt]) if row["file"].endswith(".faults.csv")] for fmt in FORMATS]
    assert faults[0] and faults[0] == faults[1]


@pytest.mark.parametrize("source", SOURCES)
def test_every_staged_row_is_the_same(builds, source):
    con = duckdb.connect(str(builds["csv"]["db"]), read_only=True)
    try:
        con.execute(f"attach '{builds['parquet']['db']}' as from_parquet (read_only)")
        from_csv = f"select * exclude (_file) from staging.stg_{source}"
        from_parquet = f"select * exclude (_file) from from_parquet.staging.stg_{source}"
        staged = con.execute(f"select count(*) from ({from_csv})").fetchone()[0]
        only_csv = con.execute(f"select count(*) from ({from_csv} except all {from_parquet})").fetchone()[0]
        only_parquet = con.execute(f"select count(*) from ({from_parquet} except all {from_csv})").fetchone()[0]
    finally:
        con.close()
    assert staged > 0
    assert (only_csv, only_parquet) == (0, 0)
