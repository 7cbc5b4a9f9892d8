"""Ctrl-C and SIGTERM in the middle of one of pmr's own DuckDB queries (pmr.stops).
DuckDB cancels the query and raises RuntimeError('Query interrupted') in place of the
stop: `pmr generate` stopped that way printed a traceback and exited 1, and a `pmr run`
stopped during ingest did too, its run log saying "Query interrupted"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from pmr import stops
from pmr.cli import main
from pmr.run_log import RunLog



def long_query_connection() -> tuple[duckdb.DuckDBPyConnection, str]:
    """A connection and a query of it that runs for seconds (3-5 s here), of parallel tasks, between
    which DuckDB runs Python's signal handlers (a query over range() alone is one task:
    DuckDB would only stop it at its end)."""
    con = duckdb.connect()
    con.execute("SET memory_limit = '1GB'")
    con.execute("create table numbers as select range as i from range(40000000)")
    return con, ("select count(*) from numbers a join numbers b on a.i = b.i + 1 "
                 "join numbers c on c.i = b.i + 2")


@pytest.mark.parametrize("number, stop, words", [
    (signal.SIGTERM, stops.Terminated, "terminated (SIGTERM)"),
    (signal.SIGINT, KeyboardInterrupt, "interrupted: the run was stopped during this step"),
])
def test_a_query_stopped_in_a_step_is_the_stop_in_the_run_log(number, stop, words):
    log = RunLog(month="2026-10", landing="landing", warehouse="w.duckdb")
    con, query = long_query_connection()
    with stops.handled():
        threading.Timer(0.3, os.kill, (os.getpid(), number)).start()
        with pytest.raises(stop) as raised:
            with log.step("ingest"):
                con.execute(query).fetchall()
    # the stop is raised in place of DuckDB's error for the query it cancelled (had the query
    # ended first, the handler would have raised the stop itself, with no error before it)
    assert type(raised.value.__context__) is RuntimeError and str(raised.value.__context__) == "Query interrupted"
    assert log.steps[-1]["status"] == "error" and log.steps[-1]["error"] == words


def test_a_query_interrupted_without_pmrs_handlers_reads_as_a_stop_in_the_run_log():
    """Dagster's step process has handlers of its own: the error stays DuckDB's, and the
    run log says the run was stopped, not that a query failed."""
    log = RunLog(month="2026-10", landing="landing", warehouse="w.duckdb")
    with pytest.raises(RuntimeError):
        with log.step("checks"):
            raise RuntimeError("Query interrupted")
    assert log.steps[-1]["error"] == "interrupted: the run was stopped during this step"
    with pytest.raises(RuntimeError):  # any other RuntimeError is what it says
        with log.step("checks"):
            raise RuntimeError("Query interrupted by a bug")
    assert log.steps[-1]["error"] == "Query interrupted by a bug"


@pytest.mark.parametrize("number, code, said", [
    (signal.SIGTERM, 143, "terminated"),
    (signal.SIGINT, 130, "interrupted"),
])
def test_pmr_generate_stopped_while_building_rows_says_so_and_leaves_no_temporary_files(tmp_path, number, code, said):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    landing = tmp_path / "landing"
    # a first batch of 5 M requests: seconds of DuckDB work before the first file is written
    command = [sys.executable, "-m", "pmr.cli", "generate", "--start", "2026-10-01", "--days", "3", "--scale", "0.3",
               "--seed", "1", "--landing", str(landing)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=os.environ | {"TMPDIR": str(temporary)})
    assert process.stderr is not None
    for line in process.stderr:
        if "] generating 2026-10-01" in line:
            break
    time.sleep(0.5)
    process.send_signal(number)
    rest = process.stderr.read()
    assert process.wait(60) == code
    assert "Traceback" not in rest
    assert rest.endswith(f"run the same pmr generate again to write them whole\n{said}\n")
    assert list(temporary.iterdir()) == []  # DuckDB's spill folder went with the stop
    assert not list(landing.rglob("*.parquet"))  # stopped before the first day's files


# a statement over range() alone is one DuckDB task, which DuckDB only stops at its end:
# these run for hours unless interrupted
ONE_TASK_FOR_HOURS = "select sum(hash(i)) from range(10000000000000) r(i)"


@pytest.mark.parametrize("number, stop", [(signal.SIGTERM, stops.Terminated), (signal.SIGINT, KeyboardInterrupt)])
def test_a_connection_given_to_interrupt_at_once_stops_in_the_middle_of_one_task(number, stop):
    con = stops.interrupt_at_once(duckdb.connect())
    rescued = threading.Event()

    def rescue():  # had the signal not interrupted it, the test would wait hours
        rescued.set()
        con.interrupt()

    with stops.handled():
        threading.Timer(0.5, os.kill, (os.getpid(), number)).start()
        safety = threading.Timer(120, rescue)
        safety.start()
        with pytest.raises(stop):
            with stops.interrupted_queries_as_stops():
                con.execute(ONE_TASK_FOR_HOURS).fetchall()
        safety.cancel()
    assert not rescued.is_set()


def test_pmr_sql_stopped_in_the_middle_of_one_task_says_interrupted(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    rescued = threading.Event()

    def rescue():
        rescued.set()
        for con in list(stops._interrupted_at_once):
            con.interrupt()

    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
    safety = threading.Timer(120, rescue)
    safety.start()
    code = main(["sql", "--db", str(db), ONE_TASK_FOR_HOURS])
    safety.cancel()
    assert not rescued.is_set()
    assert (code, capsys.readouterr()) == (130, ("", "interrupted\n"))


def test_another_signal_with_a_python_handler_interrupts_nothing():
    """The query would run for hours: the test interrupts it itself 2 s after the signal.
    Interrupted before that, it was the signal that did it."""
    con = stops.interrupt_at_once(duckdb.connect())
    previous = signal.signal(signal.SIGUSR1, lambda *_: None)
    ended = threading.Event()

    def end_it():
        ended.set()
        con.interrupt()

    try:
        with stops.handled():
            threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGUSR1)).start()
            threading.Timer(2.3, end_it).start()
            with pytest.raises(duckdb.InterruptException):
                con.execute(ONE_TASK_FOR_HOURS).fetchall()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert ended.is_set()
