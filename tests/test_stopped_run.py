"""A `pmr run` stopped by SIGTERM (a scheduler's stop, `timeout`) ends like one stopped
with Ctrl-C: exit 143, a run log that says why it failed, no dbt process left
writing to the warehouse, and a next build that knows the last one did not finish."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.helpers import request_row, write_csv


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while listed
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def run_until_dbt_builds(tmp_path: Path) -> tuple[subprocess.Popen, int, Path, Path]:
    """A `pmr run` of a one-request landing, caught once dbt has built its first node:
    (the run's process, dbt's pid, the out folder, the warehouse)."""
    landing, out, db = tmp_path / "landing", tmp_path / "out", tmp_path / "w.duckdb"
    write_csv(landing, "service_requests", [request_row("r1")])
    command = [sys.executable, "-m", "pmr.cli", "run", "--month", "2026-10", "--landing", str(landing),
               "--out", str(out), "--db", str(db)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if re.search(r"\] dbt \d+ of \d+ ", line):
            break
    else:
        raise AssertionError("the run ended before dbt built anything:\n" + "".join(seen))
    [dbt] = children(process.pid)
    return process, dbt, out, db


def test_sigterm_during_the_dbt_build(tmp_path):
    process, dbt, out, db = run_until_dbt_builds(tmp_path)
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read()
    assert process.wait(60) == 143
    assert not running(dbt), "dbt outlived the run it belonged to"
    [log_file] = (out / ".runs" / "2026-10").glob("*/run-log.json")
    # the console says where the log of the stopped run is, as for every other failure
    assert rest.strip().endswith(f"terminated\nrun log: {log_file}")

    log = json.loads(log_file.read_text())
    assert log["status"] == "failed" and log["published"] is None
    assert log["steps"][-1]["step"] == "dbt build"
    assert log["steps"][-1]["error"] == "terminated (SIGTERM)"
    assert not (out / "2026-10").exists()

    # dbt was stopped before its parent exited (not left running until its next write
    # to the closed pipe), so the warehouse can be opened for writing at once
    con = duckdb.connect(str(db))
    from pmr.build_state import plan

    assert plan(con, "2026-10").reason == "the last build did not finish"
    con.close()


def test_sigkill_during_the_dbt_build_stops_dbt_and_leaves_a_run_log(tmp_path):
    """SIGKILL (or the out-of-memory killer) gives pmr no chance to stop dbt: the kernel
    must, or dbt would go on writing to the warehouse and hold its lock."""
    import time

    process, dbt, out, _ = run_until_dbt_builds(tmp_path)
    process.kill()
    process.wait(60)
    killed = time.monotonic()
    while running(dbt) and time.monotonic() < killed + 30:
        time.sleep(0.1)
    # without being told, dbt only notices at its next write to the closed pipe, many seconds later
    assert time.monotonic() - killed < 5, f"dbt outlived the run it belonged to by {time.monotonic() - killed:.1f} s"
    [log_file] = (out / ".runs" / "2026-10").glob("*/run-log.json")
    log = json.loads(log_file.read_text())
    assert log["status"] == "running" and log["finished_at"] is None  # what it knew when it was killed


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def is_dbt_build(pid: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(Path(a.decode()).name == "dbt" for a in args[:2]) and b"build" in args


def test_a_killed_dagster_run_stops_its_dbt(tmp_path):
    """The Dagster assets run dbt through dagster-dbt: a run killed outright must not
    leave that dbt writing to the warehouse either."""
    import textwrap
    import time

    landing, out, db = tmp_path / "landing", tmp_path / "out", tmp_path / "w.duckdb"
    write_csv(landing, "service_requests", [request_row("r1")])
    script = textwrap.dedent(f"""
        import dagster as dg
        from orchestration.definitions import build_definitions
        from orchestration.settings import PmrSettings

        settings = PmrSettings(landing={str(landing)!r}, out={str(out)!r}, db={str(db)!r})
        job = build_definitions(settings).resolve_job_def("pmr_month")
        with dg.DagsterInstance.ephemeral() as instance:
            job.execute_in_process(partition_key="2026-10", instance=instance)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    dbt = []
    while not dbt and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        dbt = [pid for pid in descendants(process.pid) if is_dbt_build(pid)]
    assert dbt, "the Dagster run ended before dbt started building"
    time.sleep(3)  # into the build, past dbt's start
    process.kill()
    process.wait(60)
    killed = time.monotonic()
    while running(dbt[0]) and time.monotonic() < killed + 60:
        time.sleep(0.1)
    assert time.monotonic() - killed < 5, f"dbt outlived the run it belonged to by {time.monotonic() - killed:.1f} s"
    # no Dagster daemon watches a run started outside the run queue: its log names the
    # process, so the month's next run closes it
    [log_file] = (out / ".runs" / "2026-10").glob("*/run-log.json")
    killed_log = json.loads(log_file.read_text())
    assert (killed_log["orchestrator"], killed_log["status"], killed_log["pid"]) == ("dagster", "running", process.pid)


def test_a_step_stopped_without_a_message_says_it_was_interrupted():
    """Ctrl-C and Dagster's Terminate (DagsterExecutionInterruptedError) carry no message;
    the run log says the run was stopped, not an exception's class name."""
    import pytest
    from dagster._core.errors import DagsterExecutionInterruptedError

    from pmr.run_log import RunLog

    log = RunLog(month="2026-10", landing="landing", warehouse="w.duckdb")
    for stop in (KeyboardInterrupt, DagsterExecutionInterruptedError):
        with pytest.raises(stop), log.step("dbt build"):
            raise stop()
    assert [s["error"] for s in log.steps] == ["interrupted: the run was stopped during this step"] * 2
    with pytest.raises(LookupError), log.step("render"):
        raise LookupError()
    assert log.steps[-1]["error"] == "LookupError"


def test_the_next_run_closes_the_log_of_a_run_killed_outright(tmp_path):
    """A run killed with SIGKILL cannot close its log; the log keeps the steps it had
    finished (written after each), and the next `pmr run` of the month marks it failed."""
    process, _, out, db = run_until_dbt_builds(tmp_path)
    process.kill()
    process.wait(60)
    [log_file] = (out / ".runs" / "2026-10").glob("*/run-log.json")
    killed = json.loads(log_file.read_text())
    assert (killed["status"], [s["step"] for s in killed["steps"]], killed["pid"]) == ("running", ["ingest"],
                                                                                   process.pid)
    again = subprocess.run([sys.executable, "-m", "pmr.cli", "run", "--month", "2026-10", "--landing",
                            str(tmp_path / "landing"), "--out", str(out), "--db", str(db)],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 2, again.stderr  # one request: the month's other days are missing
    assert f"closed the run log of an earlier pmr run killed before it finished: {log_file} (failed)" in again.stderr
    closed = json.loads(log_file.read_text())
    assert closed["status"] == "failed" and closed["finished_at"] is not None
    assert closed["steps"][-1] == {
        "step": "pmr run", "status": "error",
        "error": f"the pmr run process ({process.pid}) stopped before it closed this log (killed outright?); "
                 "nothing was published by it"}


def test_only_logs_of_runs_gone_from_this_machine_are_closed(tmp_path):
    """A running log whose process is still there (a run in progress), of another machine
    sharing the output folder, or without a process id (a log written before logs had
    one), is left alone; a `pmr run`'s or a Dagster run's whose process is gone is closed."""
    import socket

    from pmr.run_log import RunLog, close_abandoned_logs

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    here = socket.gethostname()
    cases = {"alive": dict(pid=os.getpid(), host=here), "elsewhere": dict(pid=gone.pid, host=here + "-other"),
             "dagster_alive": dict(pid=os.getpid(), host=here, orchestrator="dagster"),
             "dagster_gone": dict(pid=gone.pid, host=here, orchestrator="dagster"),
             "dagster_no_pid": dict(pid=None, host=None, orchestrator="dagster"), "gone": dict(pid=gone.pid, host=here)}
    runs = tmp_path / "out" / ".runs" / "2026-10"
    for name, fields in cases.items():
        (runs / name).mkdir(parents=True)
        RunLog(month="2026-10", landing="l", warehouse="w", **fields).write(runs / name)
    assert close_abandoned_logs(tmp_path / "out", "2026-10") == [
        f"closed the run log of an earlier Dagster run killed before it finished: "
        f"{runs / 'dagster_gone' / 'run-log.json'} (failed)",
        f"closed the run log of an earlier pmr run killed before it finished: {runs / 'gone' / 'run-log.json'} (failed)"]
    assert {name: RunLog.load(runs / name).status for name in cases} == {
        "alive": "running", "elsewhere": "running", "dagster_alive": "running", "dagster_gone": "failed",
        "dagster_no_pid": "running", "gone": "failed"}
    assert RunLog.load(runs / "dagster_gone").steps[-1] == {
        "step": "dagster run", "status": "error",
        "error": f"the Dagster run process ({gone.pid}) stopped before it closed this log (killed outright?); "
                 "nothing was published by it"}


def test_a_log_that_cannot_be_closed_does_not_stop_the_next_run(tmp_path, monkeypatch):
    """Another user's run folder, a read-only copy: the next run says so and goes on. A run
    killed as it published is not called failed: the month's link shows its folder."""
    import socket

    from pmr import publish
    from pmr.run_log import RunLog, close_abandoned_logs

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    out = tmp_path / "out"
    runs = out / ".runs" / "2026-10"
    for name in ("published", "locked"):
        (runs / name).mkdir(parents=True)
        RunLog(month="2026-10", landing="l", warehouse="w", pid=gone.pid, host=socket.gethostname()).write(runs / name)
    publish.publish(runs / "published", out, "2026-10")
    written = RunLog.write

    def read_only(log, folder):
        raise OSError(30, "Read-only file system", str(folder))

    monkeypatch.setattr(RunLog, "write", read_only)
    assert close_abandoned_logs(out, "2026-10") == [
        "could not mark failed the run log of an earlier pmr run killed before it finished: "
        f"{runs / 'locked' / 'run-log.json'} ([Errno 30] Read-only file system: '{runs / 'locked'}')"]
    monkeypatch.setattr(RunLog, "write", written)
    assert {name: RunLog.load(runs / name).status for name in ("published", "locked")} == {
        "published": "running", "locked": "running"}
