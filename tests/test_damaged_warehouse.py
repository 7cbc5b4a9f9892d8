"""A warehouse file DuckDB cannot read whole (cut short by a disk fault or an unfinished
copy, a block that fails its checksum): `pmr run` and `pmr sql` say so and what to do,
exit 1, and never print a traceback (`pmr run` printed DuckDB's, `pmr sql` its own)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from pmr.cli import main
from pmr.reading_copy import reading_copy_path
from pmr.warehouse import OutOfDisk, WarehouseDamaged, machine_limit
from tests.helpers import request_row, write_csv

WHAT_TO_DO = ("pmr: the warehouse holds nothing that pmr run cannot build again from the landing folder, and "
              "published reports are not in it: move the file aside (or delete it) and run pmr run again, which "
              "builds it anew\n")


def _warehouse(path: Path) -> int:
    """A warehouse file of one table of a million hashes (about 9 MB); its size."""
    con = duckdb.connect(str(path))
    con.execute("create table fct_service_requests as select range as i, hash(range) as h from range(1000000)")
    con.close()
    return path.stat().st_size


def cut_short(path: Path) -> None:
    os.truncate(path, _warehouse(path) // 2)


def with_a_damaged_block(path: Path) -> None:
    """Opens, but a query reading the middle of the table fails the block's checksum."""
    size = _warehouse(path)
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xff" * 4096)


def a_damaged_reading_copy(db: Path, damage) -> Path:
    """A sound warehouse `db` and its reading copy, made after it, damaged by `damage`."""
    _warehouse(db)
    copy = reading_copy_path(db)
    copy.parent.mkdir()
    damage(copy)
    os.utime(copy, (db.stat().st_mtime + 60,) * 2)
    return copy


def test_pmr_run_on_a_warehouse_cut_short_says_it_is_damaged_and_what_to_do(tmp_path, capsys):
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    write_csv(landing, "service_requests", [request_row("R1")])
    cut_short(db)
    assert main(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(tmp_path / "out"),
                 "--db", str(db)]) == 1
    err = capsys.readouterr().err
    said, run_log = err.split("\nrun log: ")
    assert said.startswith(f"error: the warehouse {db} is damaged (IO Error: Could not read enough bytes from file ")
    assert said.endswith("\n" + WHAT_TO_DO.rstrip("\n"))
    ingest = json.loads(Path(run_log.strip()).read_text())["steps"][-1]
    assert ingest["step"] == "ingest" and f"the warehouse {db} is damaged" in ingest["error"]


def test_pmr_sql_names_the_damaged_warehouse_at_open_and_in_a_query(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    cut_short(db)
    assert main(["sql", "--db", str(db), "select 1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: the warehouse {db} is damaged (IO Error: Could not read enough bytes")
    assert err.endswith(")\n" + WHAT_TO_DO)
    db.unlink()
    with_a_damaged_block(db)
    assert main(["sql", "--db", str(db), "select count(*) from fct_service_requests"]) == 0  # reads no data block
    capsys.readouterr()
    assert main(["sql", "--db", str(db), "select sum(h) from fct_service_requests"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: the warehouse {db} is damaged (Corrupt database file: computed checksum ")
    assert err.endswith(")\n" + WHAT_TO_DO)


def test_pmr_sql_says_a_damaged_reading_copy_is_made_again_and_live_reads_the_warehouse(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    copy = a_damaged_reading_copy(db, with_a_damaged_block)
    assert main(["sql", "--db", str(db), "select sum(h) > 0 as read from fct_service_requests"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: the reading copy {copy} is damaged (Corrupt database file: ")
    assert err.endswith(")\npmr: the next pmr run makes it again from the warehouse; until then, pmr sql --live "
                        "(open_warehouse(live=True) in a notebook) reads the warehouse itself\n")
    assert main(["sql", "--live", "--db", str(db), "select sum(h) > 0 as read from fct_service_requests"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "True"


@pytest.mark.parametrize("words, stop", [
    ("Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 3",
     WarehouseDamaged),
    # said of a landing file cut short too: only a warehouse being opened is damaged by these words
    ('IO Error: Could not read enough bytes from file "service_requests/x.parquet"', type(None)),
    ("IO Error: No space left on device", OutOfDisk),
])
def test_a_damaged_block_found_in_a_step_stops_the_run_as_the_machines_fault(words, stop):
    found = machine_limit(duckdb.Error(words), "the ingest step")
    assert type(found) is stop
    if stop is WarehouseDamaged:
        assert str(found) == f"the ingest step: the warehouse (PMR_DB or --db) is damaged ({words})\n{WHAT_TO_DO[:-1]}"


def test_dbt_reading_a_damaged_block_stops_the_run_instead_of_failing_its_checks(tmp_path):
    """Every model reading the block would fail as a check, blocking the month for what
    is not the data's fault; dbt show reads the damaged table as a model would."""
    from pmr.dbt_runner import run_dbt

    db = tmp_path / "w.duckdb"
    with_a_damaged_block(db)
    with pytest.raises(WarehouseDamaged) as stopped:
        run_dbt(["show", "--inline", "select sum(h) as total from fct_service_requests"], db)
    assert str(stopped.value).startswith(f"dbt show: the warehouse {db} is damaged (")
    assert "Corrupt database file: computed checksum " in stopped.value.detail
    assert str(stopped.value).endswith(")\n" + WHAT_TO_DO[:-1])


def test_a_dagster_dbt_step_reading_a_damaged_block_fails_with_the_same_words(tmp_path):
    """dagster-dbt's error for a failed build lists the errors dbt logged."""
    import dagster as dg

    from orchestration.runs import MonthRun
    from orchestration.settings import PmrSettings
    from pmr.dbt_runner import dbt_damaged
    from pmr.run_log import RunLog

    db = tmp_path / "w.duckdb"
    checksum = "Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 3"
    error = ("The dbt CLI process with command\n\n`dbt build`\n\nfailed with exit code `1`. Check the stdout in the "
             "Dagster compute logs for the full information about the error.\n\nErrors parsed from dbt logs:\n\n"
             f"Runtime Error in model int_installs (models/intermediate/outcomes/int_installs.sql)\n  {checksum}")
    assert dbt_damaged(error.replace(checksum, "Binder Error: no column y"), "the dbt build step", db) is None
    run = MonthRun(month="2026-10", folder=tmp_path, log=RunLog(month="2026-10", landing="l", warehouse=str(db)),
                   settings=PmrSettings(landing=str(tmp_path), out=str(tmp_path), db=str(db)))
    with pytest.raises(dg.Failure) as failure, run.reporting_errors():
        raise dbt_damaged(error, "the dbt build step", db)
    said = failure.value.description
    assert said == f"the dbt build step: the warehouse {db} is damaged ({checksum})\n{WHAT_TO_DO[:-1]}"
    assert not failure.value.allow_retries


def test_a_notebook_opening_a_damaged_reading_copy_is_told_what_to_do(tmp_path, capsys):
    from pmr.ad_hoc import open_warehouse

    db = tmp_path / "w.duckdb"
    copy = a_damaged_reading_copy(db, cut_short)
    with pytest.raises(WarehouseDamaged) as raised:
        open_warehouse(db)
    assert str(raised.value).startswith(f"the reading copy {copy} is damaged (IO Error: Could not read enough bytes")
    assert str(raised.value).endswith("open_warehouse(live=True) in a notebook) reads the warehouse itself")
    open_warehouse(db, live=True).close()
