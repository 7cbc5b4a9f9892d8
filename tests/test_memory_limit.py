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
