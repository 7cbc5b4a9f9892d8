"""DuckDB allows one process per database file when anyone writes. While another
process holds the warehouse, every step that needs it must stop with the clear
WarehouseLocked message (exit code 3 for `pmr run`), never a traceback."""

import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from pmr.dbt_runner import run_dbt
from pmr.warehouse import WarehouseLocked, connect
from tests.gate_landings import MONTH, write_good_landing

LOCK_MESSAGE = "is in use by another process"


@pytest.fixture
def held(tmp_path):
    """A second process that opens the warehouse for writing and keeps it open."""
    db = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time, duckdb
            con = duckdb.connect({str(db)!r})
            con.execute("create table if not exists held (x integer)")
            print("holding", flush=True)
            time.sleep(120)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield db
    finally:
        holder.kill()
        holder.wait()


def test_a_run_blocked_by_a_read_only_session_is_not_told_to_open_the_warehouse_read_only(tmp_path):
    """DuckDB's message, while another process holds the file read-only, ends with advice
    a run that writes cannot take."""
    from pmr.warehouse import lock_message

    db = tmp_path / "warehouse.duckdb"
    connect_in_place = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(db)!r}).close()"]
    subprocess.run(connect_in_place, check=True)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time, duckdb
        con = duckdb.connect({str(db)!r}, read_only=True)
        print("holding", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        import duckdb
        with pytest.raises(duckdb.Error) as raised:
            duckdb.connect(str(db))
    finally:
        holder.kill()
        holder.wait()
    assert "read-only mode" in str(raised.value)  # what DuckDB says
    message = lock_message(db, str(raised.value))
    assert LOCK_MESSAGE in message and "Conflicting lock is held" in message and "read-only" not in message


def test_pmr_run_prints_the_clear_message(held, tmp_path):
    landing = write_good_landing(tmp_path / "landing")
    completed = subprocess.run(
        [sys.executable, "-m", "pmr.cli", "run", "--month", MONTH, "--landing", str(landing),
         "--out", str(tmp_path / "out"), "--db", str(held), "--allow-missing-days"],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 3, completed.stderr
    assert LOCK_MESSAGE in completed.stderr
    assert str(held) in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "out" / MONTH).exists()
    # the run log of the failed run says why
    (run_folder,) = (tmp_path / "out" / ".runs" / MONTH).iterdir()
    log = (run_folder / "run-log.json").read_text()
    assert '"status": "failed"' in log and LOCK_MESSAGE in log
    assert completed.stderr.endswith(f"run log: {run_folder / 'run-log.json'}\n")


def test_pmr_sql_waits_for_no_run_and_says_why(held, capsys):
    from pmr.cli import main

    assert main(["sql", "--db", str(held), "select 1"]) == 3
    assert LOCK_MESSAGE in capsys.readouterr().err


def test_read_only_steps_get_the_clear_message_too(held):
    with pytest.raises(WarehouseLocked, match=LOCK_MESSAGE):
        with connect(held, read_only=True):
            pass


def test_dbt_gets_the_clear_message_too(held):
    with pytest.raises(WarehouseLocked, match=LOCK_MESSAGE):
        run_dbt(["run", "--select", "stg_alerts__exceptions"], held, period=MONTH)


def test_the_dagster_job_fails_with_the_clear_message(held, tmp_path):
    from orchestration.definitions import build_definitions
    from orchestration.settings import PmrSettings

    landing = write_good_landing(tmp_path / "landing")
    settings = PmrSettings(landing=str(landing), out=str(tmp_path / "out"), db=str(held))
    job = build_definitions(settings).resolve_job_def("pmr_month")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key=MONTH, instance=instance, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == "landing_ingest"
    assert LOCK_MESSAGE in str(failure.event_specific_data.error)
    assert not Path(tmp_path / "out" / MONTH).exists()
