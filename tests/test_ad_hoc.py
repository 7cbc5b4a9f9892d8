"""`pmr sql`: one read-only query on the warehouse, for an analyst without a DuckDB
shell (the lock case is in test_locking.py)."""

from __future__ import annotations

import duckdb
import pytest

from pmr.cli import main


@pytest.fixture
def warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema metrics")
    con.execute("create table metrics.pmr_metrics as select * from (values "
                "('a.pct', 'North', 97.5), ('a.pct', 'South', null), ('b.count', 'All', 3.0)) t(metric_id, segment, value)")
    con.execute("create table metrics.many as select range as n from range(45)")
    con.close()
    return db


def test_a_query_prints_a_table(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "select metric_id, segment, value from metrics.pmr_metrics "
                 "where metric_id = 'a.pct' order by segment"]) == 0
    assert capsys.readouterr().out == (
        "metric_id  segment  value\n"
        "---------  -------  -----\n"
        "a.pct      North    97.5\n"
        "a.pct      South    NULL\n"
        "2 rows\n")


def test_a_long_result_shows_its_first_rows_and_counts_the_rest(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "select n from metrics.many order by n"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["n", "--", "0"] and out[-2] == "39"
    assert out[-1] == "45 rows, the first 40 shown: --csv writes them all"


def test_csv_writes_every_row(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "--csv", "select n, n * 2 as twice from metrics.many order by n"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "n,twice" and len(lines) == 46 and lines[-1] == "44,88"


def test_the_warehouse_cannot_be_changed(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "delete from metrics.pmr_metrics"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "pmr sql opens the warehouse read-only" in err
    assert duckdb.connect(str(warehouse), read_only=True).sql("select count(*) from metrics.pmr_metrics").fetchall() \
        == [(3,)]


def test_a_bad_query_and_a_missing_warehouse_say_what_is_wrong(warehouse, tmp_path, capsys):
    assert main(["sql", "--db", str(warehouse), "selec 1"]) == 1
    assert "Parser Error" in capsys.readouterr().err
    missing = tmp_path / "none.duckdb"
    assert main(["sql", "--db", str(missing), "select 1"]) == 1
    assert capsys.readouterr().err == f"error: no warehouse at {missing}: build one with pmr run (or name it with " \
                                      "--db or PMR_DB)\n"
    assert not missing.exists()  # not created by asking


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path):
    """`pmr sql ... | head -1`: the pipe closes after one line. Said before as
    "error: [Errno 32] Broken pipe"; now silent, with the status of a command killed by
    SIGPIPE (141), and the reader got what it read."""
    import subprocess
    import sys

    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    pmr = subprocess.Popen([sys.executable, "-m", "pmr.cli", "sql", "--csv", "--db", str(db),
                            "select * from range(1000000)"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert pmr.stdout.readline() == b"range\n"
    pmr.stdout.close()  # as head does after its lines
    assert pmr.wait(timeout=120) == 141
    assert pmr.stderr.read() == b""
