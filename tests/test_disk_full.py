"""A full disk stops the run, naming the file it could not write and what to do, and
keeps nothing half-written. Writes that find the disk full are real ones: the
warehouse's write-ahead log is made a link to /dev/full, where every write fails
with ENOSPC ("No space left on device"), the error a full disk gives."""

import errno
import gc
import os
from pathlib import Path

import pytest

from pmr import warehouse
from tests.helpers import request_row, write_csv

HINT = ("\npmr: free space on the disk that holds the warehouse (PMR_DB or --db; dbt's target folder is beside it), "
        "the output folder (--out) or the temporary folder (TMPDIR), or move them to a disk with room, and run again")

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, where every write fails")


def fill_the_disk_of(db: Path) -> Path:
    """Every write of the warehouse's next transaction goes to its write-ahead log,
    which DuckDB finds empty (nothing to replay) and cannot write."""
    wal = db.with_name(db.name + ".wal")
    assert not wal.exists()  # a warehouse closed cleanly has none: its log was checkpointed
    wal.symlink_to("/dev/full")
    return wal


def commit_failure(db: Path) -> str:
    return f'TransactionContext Error: Failed to commit: Could not write file "{db}.wal": No space left on device'


@needs_dev_full
def test_a_file_whose_commit_finds_the_disk_full_stops_the_ingest_and_nothing_of_it_is_kept(tmp_path):
    """The second file's transaction cannot commit. Before, that commit's
    TransactionException ended `pmr run` in a traceback."""
    from pmr.ingest import ingest

    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    write_csv(landing, "service_requests", [request_row("r1")], name="a.csv")
    with warehouse.connect(db) as con:
        ingest(con, landing)
    write_csv(landing, "service_requests", [request_row("r2"), request_row("r3")], name="b.csv")
    wal = fill_the_disk_of(db)
    with warehouse.connect(db) as con, pytest.raises(warehouse.OutOfDisk) as stopped:
        ingest(con, landing)
    assert str(stopped.value) == (f"reading service_requests/b.csv ran out of disk space ({commit_failure(db)}); "
                                  "nothing of it was kept" + HINT)
    wal.unlink(missing_ok=True)
    with warehouse.connect(db) as con:
        assert con.execute("select file, rows_read from raw.landing_files").fetchall() == [("service_requests/a.csv", 1)]
        assert con.execute("select count(*) from raw.service_requests_csv").fetchone()[0] == 1
        report = ingest(con, landing)  # with room again, the file loads: it was not recorded as read
    assert (report.loaded, report.unchanged, report.rows_loaded) == (["service_requests/b.csv"], ["service_requests/a.csv"], 2)


@needs_dev_full
def test_a_full_temporary_folder_stops_the_ingest_naming_the_file_and_leaves_no_copy(tmp_path, monkeypatch):
    """A CSV file mixing CRLF and LF line endings is read through a copy with LF endings
    in the temporary folder. On a full temporary folder the bare OSError named neither
    the file nor the folder, left the part written, and the file's transaction open."""
    from pmr import landing_csv
    from pmr.ingest import ingest

    landing = tmp_path / "landing"
    path = write_csv(landing, "service_requests", [request_row("r1"), request_row("r2")], name="mixed.csv")
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(lines[0] + b"\r\n" + b"\n".join(lines[1:]))
    scratch = tmp_path / "tmp" / "pmr-csv-x"
    scratch.mkdir(parents=True)
    (scratch / "lf.csv").symlink_to("/dev/full")
    monkeypatch.setattr(landing_csv.tempfile, "mkdtemp", lambda prefix: str(scratch))
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        with pytest.raises(warehouse.OutOfDisk) as stopped:
            ingest(con, landing)
        assert str(stopped.value) == ("reading service_requests/mixed.csv ran out of disk space ([Errno 28] No space "
                                      "left on device); nothing of it was kept" + HINT)
        assert not scratch.exists()
        assert con.execute("select count(*) from raw.landing_files").fetchone()[0] == 0
        monkeypatch.undo()  # room again: the same connection reads the file
        assert ingest(con, landing).rows_loaded == 2


def test_a_run_log_the_disk_cannot_take_leaves_no_part_of_it(tmp_path, monkeypatch):
    from pmr import run_log

    log = run_log.RunLog(month="2026-10", landing="l", warehouse="w")
    whole = log.write(tmp_path).read_bytes()
    (tmp_path / "run-log.json.tmp").symlink_to("/dev/full")
    log.status = "failed"
    with pytest.raises(OSError) as full:
        log.write(tmp_path)
    assert full.value.errno == errno.ENOSPC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-log.json"]
    assert (tmp_path / "run-log.json").read_bytes() == whole


@needs_dev_full
def test_pmr_run_on_a_full_disk_exits_1_and_logs_the_step(tmp_path, capsys):
    from pmr.cli import main
    from pmr.run_log import RunLog

    landing, db, out = tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "out"
    write_csv(landing, "service_requests", [request_row("r1")])
    fill_the_disk_of(db)
    code = main(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(out), "--db", str(db)])
    expected = f"the ingest step ran out of disk space ({commit_failure(db)})" + HINT
    (run_folder,) = (out / ".runs" / "2026-10").iterdir()
    assert (code, capsys.readouterr().err) == (1, f"error: {expected}\nrun log: {run_folder / 'run-log.json'}\n")
    log = RunLog.load(run_folder)
    assert log.status == "failed"
    assert [(s["step"], s["status"], s["error"]) for s in log.steps] == [("ingest", "error", expected)]
    assert not (out / "2026-10").exists()


@needs_dev_full
def test_dbt_on_a_full_disk_stops_naming_the_file_instead_of_failing_its_checks(tmp_path):
    """Every model and test dbt runs on a full disk fails, and dbt's own log file may
    not take its messages: as checks they would block the month with hundreds of
    failures that are not the data's. A seed is the cheapest write dbt makes."""
    from pmr.dbt_runner import run_dbt

    db = tmp_path / "w.duckdb"
    with warehouse.connect(db):
        pass
    fill_the_disk_of(db)
    # Every test here points a write-ahead log at /dev/full, one device file, and DuckDB
    # locks the log: a connection an earlier test's failure left to the garbage collector
    # in this process would hold the lock dbt's process needs (seen once in CI).
    gc.collect()
    with pytest.raises(warehouse.OutOfDisk) as stopped:
        run_dbt(["seed", "--select", "parameters"], db)
    first_line = str(stopped.value).split("\n")[0]
    assert first_line.startswith("dbt seed ran out of disk space (")
    assert f'Could not write file "{db}.wal": No space left on device' in first_line
    assert str(stopped.value).endswith(HINT)


def test_dbt_output_names_the_full_disk_as_briefly_as_it_can():
    """Seen on a 12MB disk: dbt's log of a test that could not write its compiled SQL
    is one line of a whole traceback, escaped; DuckDB's words name the file."""
    from pmr.dbt_runner import dbt_out_of_disk

    assert dbt_out_of_disk(["Runtime Error in model x\n  Binder Error: no column y", ""], "dbt build") is None
    traceback_line = (r"Message: '07:57:46 [debug] [Thread-1 (]: OSError: [Errno 28] No space left on device\n\n"
                      r"During handling ...\n  File \"dbt_common/clients/system.py\", line 275, in write_file\n"
                      r"OSError: [Errno 28] No space left on device\n'")
    commit = 'TransactionContext Error: Failed to commit: Could not write file "/w/x.duckdb.wal": No space left on device'
    assert str(dbt_out_of_disk([traceback_line], "dbt build")) == (
        "dbt build ran out of disk space ([Errno 28] No space left on device)" + HINT)
    assert str(dbt_out_of_disk([traceback_line, commit], "dbt build")) == (
        'dbt build ran out of disk space (Could not write file "/w/x.duckdb.wal": No space left on device)' + HINT)
    opened = "Traceback ...\nOSError: [Errno 122] Disk quota exceeded: '/w/target/run_results.json'"
    assert str(dbt_out_of_disk([opened], "the dbt build step")) == (
        "the dbt build step ran out of disk space ([Errno 122] Disk quota exceeded: '/w/target/run_results.json')"
        + HINT)


def test_a_dagster_step_on_a_full_disk_fails_with_the_message_though_its_log_cannot_be_saved(tmp_path, monkeypatch):
    """The run log is on a full disk too: saving it must not hide the error."""
    import dagster as dg

    from orchestration.runs import MonthRun
    from orchestration.settings import PmrSettings
    from pmr.run_log import RunLog

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    run = MonthRun(month="2026-10", folder=tmp_path, log=RunLog(month="2026-10", landing="l", warehouse="w"),
                   settings=PmrSettings(landing=str(tmp_path), out=str(tmp_path), db=str(tmp_path / "w.duckdb")))
    monkeypatch.setattr(RunLog, "write", full)
    with pytest.raises(dg.Failure) as failure, run.reporting_errors():
        with run.log.step("publish"):
            full()
    expected = "the publish step ran out of disk space ([Errno 28] No space left on device)" + HINT
    assert failure.value.description == expected
    assert not failure.value.allow_retries
    assert (run.log.status, run.log.steps[-1]["error"]) == ("failed", expected)
