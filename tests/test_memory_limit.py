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
