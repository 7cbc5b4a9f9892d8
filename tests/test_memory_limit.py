"""How much memory DuckDB gets: $PMR_MEMORY_LIMIT, else 40% of RAM capped at 8GB, the
same for pmr's own connections and for the dbt it starts."""

import pytest

from pmr import warehouse
from pmr.dbt_runner import dbt_env

GIB = 2**30


@pytest.mark.parametrize("ram_gib, expected", [(4, "1GB"), (16, "6GB"), (23.5, "8GB"), (64, "8GB"), (1, "1GB")])
def test_default_is_forty_percent_of_ram_at_most_8gb(monkeypatch, ram_gib, expected):
    # 4 GiB x 0.4 = 1.6 -> 1; 16 x 0.4 = 6.4 -> 6; 23.5 x 0.4 = 9.4 -> capped at 8; 1 x 0.4 -> at least 1
    monkeypatch.delenv("PMR_MEMORY_LIMIT", raising=False)
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(ram_gib * GIB / 4096)}
    monkeypatch.setattr(warehouse.os, "sysconf", lambda name: pages[name])
    assert warehouse.memory_limit() == expected


def test_the_environment_wins_and_reaches_dbt(monkeypatch, tmp_path):
    monkeypatch.setenv("PMR_MEMORY_LIMIT", "1500MB")
    assert warehouse.memory_limit() == "1500MB"
    assert dbt_env(tmp_path / "w.duckdb", tmp_path / "target")["PMR_MEMORY_LIMIT"] == "1500MB"
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "1.3 GiB"  # 1500 MB = 1.397 GiB, which DuckDB shows rounded down


def test_dbt_gets_the_default_when_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("PMR_MEMORY_LIMIT", raising=False)
    assert dbt_env(tmp_path / "w.duckdb", tmp_path / "target")["PMR_MEMORY_LIMIT"] == warehouse.memory_limit()


def test_an_out_of_memory_build_says_which_limit_to_raise(monkeypatch):
    """DuckDB's own advice is `SET memory_limit`; the warehouse takes PMR_MEMORY_LIMIT.
    The demo month failed so at 256MB and built at 512MB."""
    from pmr.dbt_runner import DbtResult
    from pmr.gate import from_dbt

    monkeypatch.setenv("PMR_MEMORY_LIMIT", "256MB")
    failed = DbtResult(ok=False, log_tail="", results=[{
        "unique_id": "model.pmr_warehouse.pmr_rsvp", "status": "error",
        "message": "Runtime Error in model pmr_rsvp\n  Out of Memory Error: failed to pin block of size 256.0 KiB"}])
    (check,) = from_dbt(failed)
    assert not check.passed and check.blocking
    assert check.detail.endswith("\npmr: DuckDB may use 256MB of memory here (PMR_MEMORY_LIMIT) before spilling to "
                                 "disk; set PMR_MEMORY_LIMIT higher and run again (docs/benchmarks.md: what months "
                                 "of each scale need; the demo month needs more than 256MB)")
    other = DbtResult(ok=False, log_tail="", results=[{
        "unique_id": "model.pmr_warehouse.pmr_rsvp", "status": "error", "message": "Binder Error: no column x"}])
    assert "PMR_MEMORY_LIMIT" not in from_dbt(other)[0].detail


@pytest.mark.parametrize("name", ["a.csv", "a.parquet"])
def test_a_file_read_out_of_memory_stops_the_ingest_instead_of_being_skipped(monkeypatch, tmp_path, name):
    """The readers turn a DuckDB error into a reason to skip the file; running out of
    memory is no fault of the file, and a skipped file's rows would be missing from
    the figures with only a warning. At 1MB DuckDB cannot read even one row; with
    the limit raised the same file loads, nothing of the failed read left behind."""
    import duckdb

    from pmr.ingest import ingest
    from tests.helpers import request_row, write_csv, write_request_parquet

    monkeypatch.setenv("PMR_MEMORY_LIMIT", "1MB")
    if name.endswith(".csv"):
        write_csv(tmp_path, "service_requests", [request_row("r1")], name=name)
    else:
        write_request_parquet(tmp_path, name, [request_row("r1")])
    con = duckdb.connect(config={"memory_limit": warehouse.memory_limit()})
    with pytest.raises(warehouse.OutOfMemory) as stopped:
        ingest(con, tmp_path)
    assert str(stopped.value).startswith(f"reading service_requests/{name} ran out of memory (Out of Memory Error: ")
    assert "nothing of it was kept\npmr: DuckDB may use 1MB of memory here (PMR_MEMORY_LIMIT)" in str(stopped.value)
    assert con.execute("select count(*) from raw.landing_files").fetchone()[0] == 0
    con.execute("set memory_limit = '1GB'")
    report = ingest(con, tmp_path)
    assert (report.loaded, report.skipped, report.rows_loaded) == ([f"service_requests/{name}"], {}, 1)


OOM = "Out of Memory Error: failed to pin block of size 256.0 KiB\n\nPossible solutions:\n* SET memory_limit='...GB'"
HINT_AT_64MB = ("\npmr: DuckDB may use 64MB of memory here (PMR_MEMORY_LIMIT) before spilling to disk; set "
                "PMR_MEMORY_LIMIT higher and run again (docs/benchmarks.md: what months of each scale need; the demo "
                "month needs more than 256MB)")


def test_pmr_run_out_of_memory_outside_dbt_says_which_limit_to_raise(monkeypatch, tmp_path, capsys):
    """pmr's own queries (ingest's views, the gate, the report) run out of memory with
    DuckDB's advice only: `pmr run` replaces it with the limit to raise, and exits 1."""
    import duckdb

    from pmr import pipeline
    from pmr.cli import main

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException(OOM)

    monkeypatch.setenv("PMR_MEMORY_LIMIT", "64MB")
    monkeypatch.setattr(pipeline, "run_month", out_of_memory)
    assert main(["run", "--month", "2026-10", "--landing", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    expected = "error: Out of Memory Error: failed to pin block of size 256.0 KiB" + HINT_AT_64MB + "\n"
    assert capsys.readouterr().err == expected


def test_a_dagster_step_out_of_memory_fails_saying_which_limit_to_raise(monkeypatch, tmp_path):
    import dagster as dg
    import duckdb

    from orchestration.runs import MonthRun
    from orchestration.settings import PmrSettings
    from pmr.run_log import RunLog

    monkeypatch.setenv("PMR_MEMORY_LIMIT", "64MB")
    run = MonthRun(month="2026-10", folder=tmp_path, log=RunLog(month="2026-10", landing="l", warehouse="w"),
                   settings=PmrSettings(landing=str(tmp_path), out=str(tmp_path), db=str(tmp_path / "w.duckdb")))
    with pytest.raises(dg.Failure) as failure, run.reporting_errors():
        raise duckdb.OutOfMemoryException(OOM)
    assert failure.value.description == "Out of Memory Error: failed to pin block of size 256.0 KiB" + HINT_AT_64MB
    assert not failure.value.allow_retries
    assert run.log.status == "failed"


def test_keeping_the_rows_of_a_skipped_file_out_of_memory_stops_the_ingest(monkeypatch, tmp_path):
    """A Parquet file without srv is skipped, its 400,000 rows kept as JSON in the
    quarantine. At 8MB that copy runs out of memory: it used to make the reason
    "its rows could not be read either" and quarantine the rows without values, so
    what the quarantine held depended on the memory limit."""
    import duckdb

    from pmr.ingest import ingest

    monkeypatch.setenv("PMR_MEMORY_LIMIT", "8MB")
    (tmp_path / "service_requests").mkdir()
    duckdb.execute(
        f"""copy (select 'r' || range as request_id, timestamptz '2026-10-05 10:00:00+00' as received_at,
                         'SUP001' as user_id, 'IS' as user_role, 1 as command_variant, 'd' || range as device_id,
                         'ESME' as device_type, 'SMETS2' as smets, 'North' as csp_region, 100 as dsp_processing_ms
                  from range(400000)) to '{tmp_path / "service_requests" / "no_srv.parquet"}'""")
    con = duckdb.connect(config={"memory_limit": warehouse.memory_limit()})
    with pytest.raises(warehouse.OutOfMemory, match="^reading service_requests/no_srv.parquet ran out of memory"):
        ingest(con, tmp_path)
    con.execute("set memory_limit = '1GB'")
    assert ingest(con, tmp_path).skipped == {"service_requests/no_srv.parquet": "file skipped: missing required column srv"}
    assert con.execute("select count(*), count(raw_line) from raw.malformed_lines").fetchall() == [(400000, 400000)]


def test_a_commit_without_memory_counts_as_out_of_memory():
    """DuckDB reports a commit that cannot get a block as a TransactionException, not an
    OutOfMemoryException; it is found behind the error a reader raised while handling it."""
    import duckdb

    commit = duckdb.TransactionException(
        "TransactionContext Error: Failed to commit: could not allocate block of size 256.0 KiB (4.7 MiB/4.7 MiB used)")
    assert warehouse.out_of_memory_error(commit) is commit
    try:
        try:
            raise commit
        except duckdb.Error:
            raise ValueError("file skipped") from None
    except ValueError as skipped:
        assert warehouse.out_of_memory_error(skipped) is commit
    assert warehouse.out_of_memory_error(duckdb.ConversionException("Could not convert string 'x' to INT64")) is None


def test_a_step_out_of_memory_is_logged_with_the_limit_to_raise(monkeypatch):
    import duckdb

    from pmr.run_log import RunLog

    monkeypatch.setenv("PMR_MEMORY_LIMIT", "64MB")
    log = RunLog(month="2026-10", landing="l", warehouse="w")
    with pytest.raises(warehouse.OutOfMemory) as stopped, log.step("checks"):
        raise duckdb.OutOfMemoryException(OOM)
    expected = "the checks step ran out of memory (Out of Memory Error: failed to pin block of size 256.0 KiB)" + HINT_AT_64MB
    assert str(stopped.value) == expected
    assert (log.steps[-1]["status"], log.steps[-1]["error"]) == ("error", expected)
