"""The reading copy (pmr.reading_copy): analysts read a copy of the warehouse that a
run replaces, so a session left open never stops a run and a run never stops a
query. The whole path, a Dagster run and `pmr run` going on while a notebook holds
the copy, is in test_orchestration.py."""

from __future__ import annotations

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
from pmr.warehouse import OutOfDisk, connect

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
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time, duckdb
        con = duckdb.connect({str(db)!r})
        print("writing", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        assert main(["sql", "--db", str(db), "select figures from figure_count"]) == 0
        assert capsys.readouterr().out.splitlines()[2] == "3"
        assert main(["sql", "--db", str(db), "--live", "select figures from figure_count"]) == 3
        assert LOCK_MESSAGE in capsys.readouterr().err
    finally:
        writer.kill()
        writer.wait()
    assert main(["sql", "--db", str(db), "--live", "select figures from figure_count"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "7"


def test_a_copy_that_fails_for_a_full_disk_stops_the_run_and_keeps_the_last_copy(db, monkeypatch):
    refresh(db)
    add_figures(db, 1)

    def disk_full(source, target):
        target.write_bytes(b"DUCK")  # part of the file written, then the disk filled up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reading_copy.shutil, "copyfile", disk_full)
    log = RunLog(month="2026-10", landing="landing", warehouse=str(db))
    with pytest.raises(OutOfDisk, match="the reading copy step ran out of disk space"):
        reading_copy_step(log, db, progress=lambda message: None)
    assert log.step_record("reading copy")["status"] == "error"
    copy = reading_copy.reading_copy_path(db)
    assert [p.name for p in copy.parent.iterdir()] == ["w.duckdb"]
    with duckdb.connect(str(copy), read_only=True) as con:  # the build before, whole
        assert con.sql("select figures from marts.figure_count").fetchall() == [(3,)]


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
