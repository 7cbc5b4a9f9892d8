"""The reading copy (pmr.reading_copy): analysts read a copy of the warehouse that a
run replaces, so a session left open never stops a run and a run never stops a
query. The whole path, a Dagster run and `pmr run` going on while a notebook holds
the copy, is in test_orchestration.py."""

from __future__ import annotations

import contextlib
import errno
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pmr import reading_copy
from pmr.cli import main
from pmr.pipeline import reading_copy_step
from pmr.run_log import RunLog
from pmr.warehouse import connect

LOCK_MESSAGE = "is in use by another process"


@pytest.fixture
def db(tmp_path):
    """A warehouse of one table and a view that names it with the database's name, as
    dbt-duckdb's views do: a copy under another file name would break it."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.figures as select range as n from range(3)")
        con.execute('create view marts.figure_count as select count(*) as figures from "w"."marts"."figures"')
    return path


@contextlib.contextmanager
def held_for_writing(path):
    """Another process with `path` open for writing (a run, a DuckDB shell) while the block runs."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time, duckdb
        con = duckdb.connect({str(path)!r})
        print("open", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.kill()
        holder.wait()


def refresh(db):
    with connect(db) as con:
        return reading_copy.refresh(con, db)


def add_figures(db, how_many: int) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(f"insert into marts.figures select range + 100 from range({how_many})")


def test_the_copy_sits_beside_the_warehouse_under_its_name_and_its_views_work(db):
    size = refresh(db)
    copy = db.parent / "reading-copy" / "w.duckdb"
    assert reading_copy.reading_copy_path(db) == copy and size == copy.stat().st_size
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.sql("select figures from marts.figure_count").fetchall() == [(3,)]
    assert [p.name for p in copy.parent.iterdir()] == ["w.duckdb"]  # no partial file left


def test_queries_read_the_copy_once_there_is_one(db):
    assert reading_copy.path_to_read(db) == db  # no run has made one yet
    refresh(db)
    assert reading_copy.path_to_read(db) == reading_copy.reading_copy_path(db)
    assert reading_copy.path_to_read(db, live=True) == db


def test_a_session_on_the_copy_keeps_its_build_and_does_not_stop_the_next_copy(db):
    """A notebook opened the copy after the first build (3 figures); the next run adds 2
    and copies again while the notebook is open: the copy is replaced, the notebook still
    reads the build it opened, and a new session reads the new one."""
    refresh(db)
    opened = reading_copy.reading_copy_path(db).stat().st_ino
    notebook = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pmr.ad_hoc import open_warehouse
        con = open_warehouse({str(db)!r})
        print(con.execute("select figures from figure_count").fetchone()[0], flush=True)
        sys.stdin.readline()
        print(con.execute("select figures from figure_count").fetchone()[0], flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert notebook.stdout.readline().strip() == "3"
        add_figures(db, 2)
        refresh(db)
        notebook.stdin.write("again\n")
        notebook.stdin.flush()
        assert notebook.stdout.readline().strip() == "3"
        # a new file renamed over it: the file the notebook holds is never written to
        assert reading_copy.reading_copy_path(db).stat().st_ino != opened
    finally:
        notebook.kill()
        notebook.wait()
    with duckdb.connect(str(reading_copy.reading_copy_path(db)), read_only=True) as con:
        assert con.sql("select figures from marts.figure_count").fetchall() == [(5,)]


def test_pmr_sql_reads_the_copy_while_another_process_writes_the_warehouse(db, capsys):
    refresh(db)
    add_figures(db, 4)  # in the warehouse, not yet in its copy
    with held_for_writing(db):
        assert main(["sql", "--db", str(db), "select figures from figure_count"]) == 0
        assert capsys.readouterr().out.splitlines()[2] == "3"
        assert main(["sql", "--db", str(db), "--live", "select figures from figure_count"]) == 3
        assert LOCK_MESSAGE in capsys.readouterr().err
    assert main(["sql", "--db", str(db), "--live", "select figures from figure_count"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "7"


def test_a_copy_that_fails_for_a_full_disk_warns_and_keeps_the_last_copy(db, monkeypatch):
    """The copy is for questions: a disk too full for it is a warning, and the run goes
    on to publish (a review found a warehouse that fitted its disk stopped by the copy)."""
    refresh(db)
    add_figures(db, 1)

    def disk_full(source, target):
        target.write_bytes(b"DUCK")  # part of the file written, then the disk filled up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reading_copy.shutil, "copyfile", disk_full)
    log = RunLog(month="2026-10", landing="landing", warehouse=str(db))
    said = []
    assert reading_copy_step(log, db, progress=said.append) == reading_copy.reading_copy_path(db)
    record = log.step_record("reading copy")
    assert record["status"] == "ok" and "No space left on device" in record["warning"]
    assert said == [f"warning: {record['warning']}"] and "still holds an earlier build" in said[0]
    copy = reading_copy.reading_copy_path(db)
    assert [p.name for p in copy.parent.iterdir()] == ["w.duckdb"]
    with duckdb.connect(str(copy), read_only=True) as con:  # the build before, whole
        assert con.sql("select figures from marts.figure_count").fetchall() == [(3,)]
    assert reading_copy.changed_since_copied(db) is not None  # and its queries say so


def test_the_next_run_removes_the_partial_copy_a_killed_run_left(db, tmp_path):
    """A run killed while copying (SIGKILL: no finally runs) leaves the partial copy, as
    large as the warehouse; the next run deletes it at its first step, before its build
    needs the disk, and the copy before stays."""
    from pmr.pipeline import ingest_step

    refresh(db)
    partial = reading_copy.reading_copy_path(db).with_name(".w.duckdb.partial")
    partial.write_bytes(b"\0" * 5000)
    landing = tmp_path / "landing"
    landing.mkdir()
    log = RunLog(month="2026-10", landing=str(landing), warehouse=str(db))
    said = []
    ingest_step(log, landing, db, progress=said.append)
    assert [p.name for p in partial.parent.iterdir()] == ["w.duckdb"]
    assert log.step_record("ingest")["removed_partial_reading_copy_bytes"] == 5000
    assert said[0] == "removed a partial reading copy (0 MB) that a run stopped while copying the warehouse left"
    # none the next time
    ingest_step(RunLog(month="2026-10", landing=str(landing), warehouse=str(db)), landing, db, progress=said.append)
    assert sum("partial reading copy" in line for line in said) == 1


def test_the_copy_may_be_read_by_whoever_may_read_the_warehouse(db):
    """A run with a private umask (077) still leaves a copy as readable as the warehouse."""
    import os

    db.chmod(0o644)
    old_umask = os.umask(0o077)
    try:
        refresh(db)
    finally:
        os.umask(old_umask)
    assert reading_copy.reading_copy_path(db).stat().st_mode & 0o777 == 0o644


def test_a_write_ahead_log_left_by_a_session_that_wrote_to_the_copy_is_removed(db):
    """A DuckDB shell opened on the copy without -readonly writes, then dies: its
    write-ahead log, beside the next copy, made every read of it fail."""
    refresh(db)
    copy = reading_copy.reading_copy_path(db)
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import os, duckdb
        con = duckdb.connect({str(copy)!r})
        con.execute("set checkpoint_threshold = '1TB'")
        con.execute("create table scratch as select range as n from range(1000)")
        print("wrote", flush=True)
        os._exit(9)  # no checkpoint: the write-ahead log stays
    """)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "wrote"
    writer.wait()
    assert copy.with_name(copy.name + ".wal").exists()
    add_figures(db, 2)
    refresh(db)
    assert not copy.with_name(copy.name + ".wal").exists()
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.sql("select figures from marts.figure_count").fetchall() == [(5,)]


def test_a_session_writing_to_the_copy_is_named_not_a_run(db, capsys):
    refresh(db)
    copy = reading_copy.reading_copy_path(db)
    with held_for_writing(copy):
        assert main(["sql", "--db", str(db), "select 1"]) == 3
        err = capsys.readouterr().err
        assert err.startswith(f"error: the reading copy {copy} is open for writing in another process")
        assert "-readonly" in err and "Wait for the other run" not in err
        from pmr.ad_hoc import open_warehouse
        from pmr.warehouse import WarehouseLocked
        with pytest.raises(WarehouseLocked, match="is open for writing in another process"):
            open_warehouse(db)


def test_a_notebook_before_any_copy_reads_the_warehouse_and_says_it_holds_it(db, capsys):
    from pmr.ad_hoc import open_warehouse

    con = open_warehouse(db)
    try:
        assert con.execute("select figures from figure_count").fetchall() == [(3,)]
    finally:
        con.close()
    assert capsys.readouterr().err.startswith(f"note: {db} has no reading copy yet")
    refresh(db)
    add_figures(db, 1)
    for live, figures, note in ((False, 3, "note: this reads the reading copy"), (True, 4, "")):
        con = open_warehouse(db, live=live)
        try:
            assert con.execute("select figures from figure_count").fetchall() == [(figures,)]
        finally:
            con.close()
        err = capsys.readouterr().err
        assert err.startswith(note) if note else err == ""


def test_a_query_of_a_copy_older_than_the_warehouse_says_so(db, capsys):
    """dbt run by hand after the last run (or a run going on) wrote the warehouse: the
    copy's figures are older, and pmr sql says so on stderr, leaving its output as it is."""
    refresh(db)
    assert main(["sql", "--db", str(db), "--csv", "select figures from figure_count"]) == 0
    assert capsys.readouterr() == ("figures\n3\n", "")
    add_figures(db, 1)
    assert main(["sql", "--db", str(db), "--csv", "select figures from figure_count"]) == 0
    out, err = capsys.readouterr()
    assert out == "figures\n3\n"
    assert err.startswith("note: this reads the reading copy of the warehouse made ") and "--live" in err
    assert main(["sql", "--db", str(db), "--live", "--csv", "select figures from figure_count"]) == 0
    assert capsys.readouterr() == ("figures\n4\n", "")
    refresh(db)  # the next run's copy
    assert main(["sql", "--db", str(db), "--csv", "select figures from figure_count"]) == 0
    assert capsys.readouterr() == ("figures\n4\n", "")


def test_a_copy_whose_warehouse_is_gone_says_so(db, capsys):
    """The warehouse moved or deleted (PMR_DB now names another place): its last copy is
    still read, and every query says whose copy it is and that no run refreshes it."""
    refresh(db)
    db.unlink()
    assert main(["sql", "--db", str(db), "--csv", "select figures from figure_count"]) == 0
    out, err = capsys.readouterr()
    assert out == "figures\n3\n"
    assert err.startswith(f"note: there is no warehouse at {db} (moved or deleted): this reads the reading copy")
    assert main(["sql", "--db", str(db), "--live", "--csv", "select 1"]) == 1  # --live has nothing to read
    assert "no warehouse" in capsys.readouterr().err.lower()


@pytest.mark.parametrize("dbt_passed, steps", [
    (True, ["ingest", "dbt build", "collect metrics", "reading copy"]),
    (False, ["ingest", "dbt build"]),  # a blocking dbt test or a model that failed: the last copy stays
])
def test_a_build_copies_the_warehouse_only_once_its_figures_are_collected(dbt_passed, steps, tmp_path, monkeypatch):
    from pmr import gate, pipeline

    ran = []
    monkeypatch.setattr(pipeline, "ingest_step", lambda *args, **kwargs: ran.append("ingest"))
    monkeypatch.setattr(pipeline, "dbt_step", lambda *args, **kwargs: ran.append("dbt build") or [
        gate.CheckResult(name="not_null_fct_alerts_alert_id", source="dbt", passed=dbt_passed, blocking=True)])
    monkeypatch.setattr(pipeline, "collect_step", lambda *args, **kwargs: ran.append("collect metrics"))
    monkeypatch.setattr(pipeline, "reading_copy_step", lambda *args, **kwargs: ran.append("reading copy"))
    log = RunLog(month="2026-10", landing="landing", warehouse=str(tmp_path / "w.duckdb"))
    pipeline.build("2026-10", tmp_path / "landing", tmp_path / "w.duckdb", log, progress=lambda message: None)
    assert ran == steps
