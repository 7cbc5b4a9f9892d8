"""`pmr sql`: one read-only query on the warehouse, for an analyst without a DuckDB
shell (the lock case is in test_locking.py), and every query the docs and the report
give an analyst runs on a published month."""

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


def test_a_line_break_or_tab_in_a_value_keeps_the_table_in_its_lines(warehouse, capsys):
    """A quarantined line's raw text may hold a stray CR; --csv keeps the value as it is."""
    sql = "select 'a' || chr(13) || chr(10) || 'b' as raw, 'x' || chr(9) || 'y' as tabbed, 1 as n"
    assert main(["sql", "--db", str(warehouse), sql]) == 0
    assert capsys.readouterr().out == (
        "raw     tabbed  n\n"
        "------  ------  -\n"
        "a\\r\\nb  x\\ty    1\n"
        "1 row\n")
    assert main(["sql", "--csv", "--db", str(warehouse), sql]) == 0
    assert capsys.readouterr().out == 'raw,tabbed,n\n"a\r\nb",x\ty,1\n'


def test_a_long_result_shows_its_first_rows_and_counts_the_rest(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "select n from metrics.many order by n"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["n", "--", "0"] and out[-2] == "39"
    assert out[-1] == "45 rows, the first 40 shown: --csv writes them all"


def test_the_shown_rows_and_the_count_span_the_streamed_batches(warehouse, capsys, monkeypatch):
    # batches of 7 rows: the first 40 rows end inside the sixth batch, the count runs on to the seventh
    monkeypatch.setattr("pmr.ad_hoc.ARROW_BATCH_ROWS", 7)
    assert main(["sql", "--db", str(warehouse), "select n, interval (n) second as waited from metrics.many order by n"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[2:-1]] == [str(n) for n in range(40)]
    assert out[2].split() == ["0", "0:00:00"] and out[-2].split() == ["39", "0:00:39"]
    assert out[-1] == "45 rows, the first 40 shown: --csv writes them all"


def test_csv_writes_every_row(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "--csv", "select n, n * 2 as twice from metrics.many order by n"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "n,twice" and len(lines) == 46 and lines[-1] == "44,88"


def test_attaching_a_file_that_is_not_there_is_not_called_a_write(warehouse, tmp_path, capsys):
    assert main(["sql", "--db", str(warehouse), f"attach '{tmp_path / 'elsewhere.duckdb'}'"]) == 1
    err = capsys.readouterr().err
    assert "database does not exist" in err and "read-only: the models" not in err


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


def test_an_empty_query_or_two_statements_are_refused(warehouse, capsys):
    for empty in ("", "   ", "-- only a comment"):
        assert main(["sql", "--db", str(warehouse), empty]) == 1
        assert capsys.readouterr().err == "error: no SQL statement given\n"
    assert main(["sql", "--db", str(warehouse), "select 1; select 2"]) == 1
    assert capsys.readouterr().err == "error: pmr sql runs one statement at a time; this holds 2: run each on its own\n"


def test_an_unquoted_query_is_refused_with_the_quoted_form(warehouse, capsys):
    # the shell splits `pmr sql select n from many` into words
    assert main(["sql", "--db", str(warehouse), "select", "n", "from", "many"]) == 1
    assert capsys.readouterr().err.startswith("error: pmr sql takes the query as one argument: put it in quotes")


def test_an_unreadable_memory_limit_is_an_error_not_a_traceback(warehouse, capsys, monkeypatch):
    monkeypatch.setenv("PMR_MEMORY_LIMIT", "lots")
    assert main(["sql", "--db", str(warehouse), "select 1"]) == 1
    assert capsys.readouterr().err.startswith("error: PMR_MEMORY_LIMIT must be an amount such as 6GB")


def test_tables_need_no_schema_and_show_tables_lists_them(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "select count(*) as n from pmr_metrics"]) == 0
    assert capsys.readouterr().out == "n\n-\n3\n1 row\n"
    assert main(["sql", "--db", str(warehouse), "show tables"]) == 0
    assert capsys.readouterr().out.splitlines()[2:4] == ["many", "pmr_metrics"]


def test_csv_writes_booleans_timestamps_and_nulls_as_sql_does(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "--csv", "select true as ok, null as missing, "
                 "timestamp '2026-10-07 05:10:12.749' as at, 'a,b' as text"]) == 0
    assert capsys.readouterr().out == 'ok,missing,at,text\ntrue,,2026-10-07 05:10:12.749,"a,b"\n'


def test_an_error_in_any_row_fails_the_table_view_too(warehouse, capsys):
    # the 41st row cannot be converted: shown rows and the count come from one run
    query = "select cast(case when range < 40 then range::varchar else 'x' end as integer) as v from range(45)"
    assert main(["sql", "--db", str(warehouse), query]) == 1
    assert "Conversion Error" in capsys.readouterr().err


def test_a_statement_without_rows_prints_nothing(warehouse, capsys):
    assert main(["sql", "--db", str(warehouse), "set threads = 1"]) == 0
    assert capsys.readouterr().out == ""


def test_a_time_with_time_zone_keeps_its_offset(warehouse, capsys):
    # two columns named t: the offset is kept by position, whatever the names
    assert main(["sql", "--db", str(warehouse), "select '14:05:00+01:00'::timetz as t, 'x' as t, "
                 "'09:30:00-05:30'::timetz as u"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split() == ["14:05:00+01", "x", "09:30:00-05:30"]
    # inside a list or a struct too
    assert main(["sql", "--db", str(warehouse), "select ['14:05:00+01:00'::timetz] as l, "
                 "{'t': '09:30:00-05:30'::timetz} as s"]) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert "14:05:00+01" in row and "09:30:00-05:30" in row


def test_an_empty_result_names_the_month_the_warehouse_holds(warehouse, capsys):
    empty = "select n from metrics.many where n < 0"
    assert main(["sql", "--db", str(warehouse), empty]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 rows"  # no build record: nothing to add
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw")
    con.execute("create table raw.build_state as select '2026-10' as period, 'built' as status")
    con.close()
    assert main(["sql", "--db", str(warehouse), empty]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "0 rows (this warehouse holds the build of 2026-10: the pmr_* marts and the metrics tables hold that month "
        "only, the fct_* facts every landed day)")
    # a query of no table of a month or of days (the quarantine, the landing): the month is beside the point
    assert main(["sql", "--db", str(warehouse), "select * from raw.build_state where period = '2026-09'"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 rows"


def test_an_empty_result_says_when_the_last_build_did_not_finish(warehouse, capsys):
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw")
    con.execute("create table raw.build_state as select '2026-11' as period, 'building' as status")
    con.close()
    assert main(["sql", "--db", str(warehouse), "select n from metrics.many where n < 0"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(
        "0 rows (this warehouse holds the build of 2026-11, which did not finish (building): its tables may be "
        "partly rebuilt:")


def test_a_notebook_connection_is_opened_as_pmr_sql_opens_the_warehouse(warehouse, monkeypatch):
    """Plain duckdb.connect(read_only=True) needs every schema named and takes the
    machine's time zone; open_warehouse reads as `pmr sql` does, and once closed the
    warehouse can be written again."""
    from pmr.ad_hoc import open_warehouse

    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("PMR_DB", str(warehouse))
    con = open_warehouse()
    try:
        assert con.execute("select count(*) from pmr_metrics").fetchone() == (3,)
        assert con.execute("select current_setting('TimeZone')").fetchone() == ("UTC",)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table metrics.mine (x integer)")
    finally:
        con.close()
    duckdb.connect(str(warehouse)).close()  # no lock left behind


def test_a_view_over_a_landing_file_moved_away_says_so(tmp_path, capsys):
    landing = tmp_path / "landing.parquet"
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(f"copy (select 1 as alert_id) to '{landing}' (format parquet)")
    con.execute("create schema raw")
    con.execute(f"create view raw.alerts_parquet as select * from read_parquet('{landing}')")
    con.close()
    landing.unlink()
    assert main(["sql", "--db", str(db), "select * from raw.alerts_parquet"]) == 1
    error = capsys.readouterr().err
    assert "No files found that match the pattern" in error and "put the landing folder back" in error


def documented_queries() -> list[tuple[str, list[str]]]:
    """Every query the docs and the code give an analyst to run, as (where, pmr sql's
    arguments): the quoted SQL of each `pmr sql` command, each ```sql block without
    Jinja and each inline `select ...` of README.md and docs/, and each `pmr sql`
    command the report and pmr's messages print (in their Python source, quotes escaped)."""
    import re

    from pmr import PROJECT_DIR

    found = []
    for path in [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").rglob("*.md"))]:
        text, where = path.read_text(), str(path.relative_to(PROJECT_DIR))
        for options, sql in re.findall(r'pmr sql((?: --\w+)*) "((?:[^"\\]|\\.)*)"', text):
            found.append((where, options.split() + [re.sub(r"\\(.)", r"\1", sql)]))  # the shell's unquoting
        blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
        found += [(where, [sql]) for sql in blocks if not re.search(r"\{[{%#]", sql)]  # Jinja: a model, not a query
        found += [(where, [sql]) for sql in re.findall(r"(?<![`\w])`(select [^`]+)`", text)]
    for path in sorted([*(PROJECT_DIR / "reports").rglob("*.py"), *(PROJECT_DIR / "pmr").rglob("*.py")]):
        for options, sql in re.findall(r'pmr sql((?: --\w+)*) \\"([^"\\{}]*)\\"', path.read_text()):
            found.append((str(path.relative_to(PROJECT_DIR)), options.split() + [sql]))
    return [(where, args) for where, args in found if "..." not in args[-1]]  # a placeholder, not a query


def test_every_query_the_docs_and_the_report_give_runs_on_a_published_month(rsvp_month, capsys):
    """A renamed table or column leaves no query of the docs or the report behind."""
    queries = documented_queries()
    refused = []
    for where, args in queries:
        code = main(["sql", "--db", str(rsvp_month["db"]), *args])
        printed = capsys.readouterr()
        if code != 0:
            refused.append((where, args[-1], printed.err))
    assert refused == []
    # the README's, the metric pages', the landing contract's and the report's, inline and in blocks
    assert {where for where, _ in queries} >= {
        "README.md", "docs/metrics/requirement-2.md", "docs/metrics/requirement-3-5.md", "docs/landing-contract.md",
        "docs/metrics.md", "docs/adding-a-metric.md", "reports/sections/outcomes.py", "pmr/ad_hoc.py"}
    assert len(queries) >= 20
