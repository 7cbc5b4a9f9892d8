"""Bad input to `pmr` gives one line on stderr and a non-zero exit, never a traceback,
and a refused run leaves nothing behind. None of these reaches a build."""

from __future__ import annotations

import datetime as dt

import pytest

from pmr.calendar import month_has_ended
from pmr.cli import main


def run_cli(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse rejects an argument
        code = exit_.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.fixture
def landing(tmp_path):
    folder = tmp_path / "landing"
    (folder / "service_requests").mkdir(parents=True)
    return folder


def test_a_month_that_has_not_ended_is_refused(tmp_path, landing, capsys):
    out = tmp_path / "out"
    code, err = run_cli(["run", "--month", "2045-12", "--landing", str(landing), "--out", str(out),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1
    assert "error: 2045-12 has not ended yet" in err
    assert not out.exists() and not (tmp_path / "w.duckdb").exists()


def test_month_has_ended_at_the_uk_midnight():
    # October 2026 ends at 00:00 GMT on 1 November (summer time ended on 25 October)
    assert not month_has_ended("2026-10", dt.datetime(2026, 10, 31, 23, 59, 59))
    assert month_has_ended("2026-10", dt.datetime(2026, 11, 1, 0, 0, 0))
    # July 2026 ends at 00:00 BST on 1 August, 23:00 UTC on 31 July
    assert month_has_ended("2026-07", dt.datetime(2026, 7, 31, 23, 0, 0))
    assert not month_has_ended("2026-07", dt.datetime(2026, 7, 31, 22, 59, 59))


@pytest.mark.parametrize("month", ["2026-1", "26-01", "2026-01-01", "2026-13"])
def test_a_month_not_written_yyyy_mm_is_refused(month, capsys):
    code, err = run_cli(["deadline", month], capsys)
    assert code == 1 and f"not a month: '{month}' (expected YYYY-MM, month 01-12)" in err


def test_a_landing_path_that_is_not_a_folder(tmp_path, capsys):
    afile = tmp_path / "landing.csv"
    afile.write_text("x\n")
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(afile), "--out", str(tmp_path / "out")],
                        capsys)
    assert code == 1 and f"landing path is not a folder: {afile}" in err


def test_an_out_path_that_is_a_file(tmp_path, landing, capsys):
    out = tmp_path / "out"
    out.write_text("not a folder")
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(out),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and err == f"error: output path is not a folder: {out}\n"
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("kind", ["folder", "file"])
def test_a_real_folder_where_the_report_link_goes_is_refused_before_any_step(tmp_path, landing, capsys, kind):
    """Publishing replaces the link <out>/<month>; a real folder (or file) there would
    stop the run only at the end, after the whole build."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "2026-10").mkdir() if kind == "folder" else (out / "2026-10").write_text("x")
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(out),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and err == (f"error: {out / '2026-10'} is a real {kind}, not a published report link; move it "
                                 f"away before publishing into {out}\n")
    assert not (tmp_path / "w.duckdb").exists()


def test_a_landing_folder_without_landing_files_is_refused(tmp_path, landing, capsys):
    (landing / "service_requests" / "notes.txt").write_text("not an extract")
    out = tmp_path / "out"
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(out),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and f"error: {landing} holds no landing file: the extracts go in its source folders" in err
    assert not out.exists() and not (tmp_path / "w.duckdb").exists()


def test_a_landing_folder_one_level_up_names_the_folder_that_holds_the_files(tmp_path, capsys):
    """`--landing landing` where the extracts are in landing/demo/ (as make demo writes them)."""
    parent = tmp_path / "landing"
    (parent / "demo" / "alerts").mkdir(parents=True)
    (parent / "demo" / "alerts" / "2026-10-01.csv").write_text("alert_id\n")
    (parent / "empty" / "alerts").mkdir(parents=True)  # no landing file: not named
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(parent), "--out", str(tmp_path / "out"),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and err.endswith(f".parquet files; {parent / 'demo'} holds some: pass it as --landing\n")


def test_a_source_folder_given_as_the_landing_folder_names_the_landing_folder(tmp_path, capsys):
    """`--landing landing/demo/alerts`: its files are read from its source folders only."""
    landing = tmp_path / "landing"
    (landing / "alerts").mkdir(parents=True)
    (landing / "alerts" / "2026-10-01.csv").write_text("alert_id\n")
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing / "alerts"), "--out",
                         str(tmp_path / "out"), "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and err.endswith(
        f".parquet files; it is the alerts/ folder of {landing}: pass {landing} as --landing\n"), err


def test_a_warehouse_file_that_is_not_a_warehouse(tmp_path, landing, capsys):
    (landing / "service_requests" / "extract.csv").write_text("request_id\n")
    db = tmp_path / "w.duckdb"
    db.write_text("not a database")
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(tmp_path / "out"),
                         "--db", str(db)], capsys)
    assert code == 1 and "error: " in err and "not a valid DuckDB database file" in err
    assert db.read_text() == "not a database"


@pytest.mark.parametrize(("value", "message"), [
    ("lots", "PMR_MEMORY_LIMIT must be an amount such as 6GB"),
    ("0GB", "PMR_MEMORY_LIMIT must be more than 0, got '0GB'"),  # DuckDB takes it, then fails every query
])
def test_a_memory_limit_that_is_not_a_usable_amount(tmp_path, landing, capsys, monkeypatch, value, message):
    monkeypatch.setenv("PMR_MEMORY_LIMIT", value)
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(tmp_path / "out"),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and message in err
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--scale", "nan", "must be a number greater than 0"),
    ("--scale", "inf", "must be a number greater than 0"),
    ("--scale", "abc", "expected a number, got 'abc'"),
    ("--days", "1.5", "expected a whole number, got '1.5'"),
    ("--days", "0", "must be greater than 0"),
])
def test_generate_rejects_bad_numbers(tmp_path, option, value, message, capsys):
    argv = ["generate", "--start", "2026-10-01", "--days", "1", "--landing", str(tmp_path / "l"), option, value]
    code, err = run_cli(argv, capsys)
    assert code == 1 and message in err


def test_generate_into_a_file(tmp_path, capsys):
    afile = tmp_path / "landing"
    afile.write_text("x")
    code, err = run_cli(["generate", "--start", "2026-10-01", "--days", "1", "--landing", str(afile)], capsys)
    assert (code, err) == (1, f"error: landing path is not a folder: {afile}\n")


@pytest.mark.parametrize(("start", "days", "shown"), [
    ("1999-12-31", "2", "1999-12-31 to 2000-01-01"), ("2045-12-31", "3", "2045-12-31 to 2046-01-02")])
def test_generate_refuses_days_whose_rows_would_all_be_quarantined(tmp_path, capsys, start, days, shown):
    landing = tmp_path / "landing"
    code, err = run_cli(["generate", "--start", start, "--days", days, "--landing", str(landing)], capsys)
    assert (code, err) == (1, f"error: the days {shown} are not all in 2000 to 2045, the years a landing timestamp "
                              "may fall in (others are quarantined as out of range)\n")
    assert not landing.exists()


def test_holidays_refuses_reversed_years_and_keeps_the_seed(capsys):
    from pmr.calendar import HOLIDAY_SEED

    before = HOLIDAY_SEED.read_bytes()
    code, err = run_cli(["holidays", "--first-year", "2030", "--last-year", "2020"], capsys)
    assert code == 1 and "first year 2030 is after last year 2020" in err
    assert HOLIDAY_SEED.read_bytes() == before


def test_a_deadline_outside_the_years_a_timestamp_may_take_is_refused(capsys):
    # landing timestamps are accepted from 2000 to 2045; the calendar adds 2046
    code, err = run_cli(["deadline", "2046-01"], capsys)
    assert code == 1 and "2046-01 is outside 2000-01 to 2045-12" in err
    code, err = run_cli(["deadline", "1999-12"], capsys)
    assert code == 1 and "1999-12 is outside 2000-01 to 2045-12" in err


def test_deadlines_at_the_ends_of_the_calendar(capsys):
    # Worked by hand. March 2016 ends Thu 31 Mar: Fri 1 Apr is the 1st Working Day,
    # Mon 4 - Fri 8 the 2nd-6th, Mon 11 - Thu 14 the 7th-10th. December 2045 ends
    # Sun 31 Dec; Mon 1 Jan 2046 is New Year's Day: Tue 2 - Fri 5 Jan are the 1st-4th,
    # Mon 8 - Fri 12 the 5th-9th, Mon 15 the 10th.
    for month, due in [("2016-03", "2016-04-14"), ("2045-12", "2046-01-15")]:
        assert main(["deadline", month]) == 0
        assert capsys.readouterr().out.strip() == due


def test_a_seed_that_does_not_cover_the_month_names_the_command_that_extends_it(tmp_path):
    from pmr.calendar import check_holidays_cover

    narrow = tmp_path / "uk_bank_holidays.csv"
    narrow.write_text("holiday_date,holiday_name,source\n2019-01-01,New Year's Day,x\n2035-12-26,Boxing Day,x\n")
    with pytest.raises(ValueError, match="covers 2019-2035, not 2040-2041: extend it with "
                                         "`pmr holidays --first-year 2019 --last-year 2046`"):
        check_holidays_cover(dt.date(2040, 12, 31), dt.date(2041, 1, 15), seed=narrow)
    with pytest.raises(ValueError, match="`pmr holidays --first-year 2018 --last-year 2035`"):
        check_holidays_cover(dt.date(2018, 1, 31), dt.date(2018, 2, 14), seed=narrow)


def test_holidays_refuses_years_beyond_the_calendar_and_keeps_the_seed(capsys):
    from pmr.calendar import HOLIDAY_SEED

    before = HOLIDAY_SEED.read_bytes()
    code, err = run_cli(["holidays", "--first-year", "2019", "--last-year", "2050"], capsys)
    assert code == 1 and "the calendar spans 2000-2046" in err and "not 2019-2050" in err
    code, err = run_cli(["holidays", "--first-year", "1995"], capsys)
    assert code == 1 and "not 1995-2046" in err
    assert HOLIDAY_SEED.read_bytes() == before


@pytest.mark.parametrize("month", ["1999-12", "2046-01", "9999-12"])  # 9999-12 ends past Python's last date
def test_a_month_outside_the_calendar_is_refused_before_any_step(tmp_path, landing, capsys, month):
    out = tmp_path / "out"
    for argv in (["run", "--month", month, "--landing", str(landing), "--out", str(out),
                  "--db", str(tmp_path / "w.duckdb")], ["deadline", month]):
        code, err = run_cli(argv, capsys)
        assert code == 1 and f"{month} is outside " in err
    assert not out.exists() and not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("argv", [["run", "--month", "2026-10"], ["deadline"], ["frobnicate"]])
def test_missing_or_unknown_arguments_exit_1_not_the_gates_2(argv, capsys):
    code, err = run_cli(argv, capsys)
    assert code == 1 and "error: " in err


def test_a_warehouse_that_cannot_be_opened_is_named_with_the_option_that_sets_it(tmp_path, capsys):
    from tests.helpers import request_row, write_csv

    landing = tmp_path / "landing"
    write_csv(landing, "service_requests", [request_row("r1")])
    db = tmp_path / "w.duckdb"
    db.mkdir()
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(tmp_path / "out"),
                         "--db", str(db)], capsys)
    assert code == 1 and err.endswith(
        f'error: IO Error: Could not read from file "{db}": Is a directory (the warehouse file: PMR_DB or --db '
        'names it)\n'), err
    # its folder cannot be made: a file is in the way
    (tmp_path / "afile").write_text("x")
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(tmp_path / "out"),
                         "--db", str(tmp_path / "afile" / "w.duckdb")], capsys)
    assert code == 1 and err.endswith(f"error: [Errno 17] File exists: '{tmp_path / 'afile'}' (the warehouse file: "
                                      "PMR_DB or --db names it) (during the ingest step)\n"), err


def test_an_output_folder_that_cannot_be_written_is_named_with_the_option_that_sets_it(tmp_path, capsys,
                                                                                       monkeypatch):
    """A read-only mount: the run's folder is made before any step, so nothing else says where."""
    import errno

    from pmr import publish
    from tests.helpers import request_row, write_csv

    landing, out = tmp_path / "landing", tmp_path / "out"
    write_csv(landing, "service_requests", [request_row("r1")])

    def read_only(out, month):
        raise OSError(errno.EROFS, "Read-only file system", str(out / ".runs"))

    monkeypatch.setattr(publish, "new_run_folder", read_only)
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(out),
                         "--db", str(tmp_path / "w.duckdb")], capsys)
    assert code == 1 and err == (f"error: [Errno 30] Read-only file system: '{out / '.runs'}' (making the run's "
                                 f"folder in the output folder {out}, which --out names)\n")


def test_an_output_folder_inside_the_landing_folder_is_refused_before_any_step(tmp_path, landing, capsys):
    """Published files inside the landing folder would be read as landing files (in a
    folder that is not a source's) by the next run, which the gate then blocks."""
    (landing / "service_requests" / "extract.csv").write_text("request_id\n")
    for out in (landing / "out", landing):
        code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(out),
                             "--db", str(tmp_path / "w.duckdb")], capsys)
        assert code == 1 and f"the output folder {out} is inside the landing folder" in err
    assert not (landing / "out").exists() and not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("option", ["--landing", "--out", "--db"])
def test_an_empty_path_is_refused(tmp_path, landing, capsys, option):
    paths = {"--landing": str(landing), "--out": str(tmp_path / "out"), "--db": str(tmp_path / "w.duckdb"), option: ""}
    code, err = run_cli(["run", "--month", "2026-10", *(x for pair in paths.items() for x in pair)], capsys)
    assert code == 1 and f"argument {option}: an empty path" in err


def test_a_warehouse_name_with_a_quote_is_refused_before_any_step(tmp_path, landing, capsys):
    (landing / "service_requests" / "extract.csv").write_text("request_id\n")
    db = tmp_path / "w'h.duckdb"
    code, err = run_cli(["run", "--month", "2026-10", "--landing", str(landing), "--out", str(tmp_path / "out"),
                         "--db", str(db)], capsys)
    assert code == 1 and "the warehouse file's name \"w'h.duckdb\" holds a quote" in err
    assert not db.exists() and not (tmp_path / "out").exists()


def test_an_output_folder_hidden_inside_the_landing_folder_is_allowed(tmp_path):
    """Ingest skips hidden entries, so `landing/.out` is never read as landing files;
    `landing/out` and the landing folder itself would be."""
    from pmr.run_refusals import RunRefused, check_out_outside_landing

    landing = tmp_path / "landing"
    check_out_outside_landing(landing / ".out" / "reports", landing)
    check_out_outside_landing(tmp_path / "out", landing)
    for out in (landing / "out", landing, landing / "alerts" / "x"):
        with pytest.raises(RunRefused, match="is inside the landing folder"):
            check_out_outside_landing(out, landing)
