"""A generated landing folder built end to end by pmr run. The contract-breaking rows
`pmr inject-faults` adds are quarantined, each with the reason it was broken for, and
nothing else is. The same landing delivered as CSV instead of Parquet builds the same
warehouse: CSV files are copied as text and typed by the staging models, Parquet files
are read typed in place, two paths that must give every staged row (timestamps to the
microsecond, booleans, numbers), quality.csv (file names aside) and metrics.csv, byte
for byte, alike; and neither far months' days, nor a second copy of every file, nor a
day's rows cut into several files change a figure. One module, so that all are checked
on one build of the month."""

import datetime as dt
import json

import duckdb
import pytest

from pmr import SOURCES, cli
from pmr.faults import faults_record_path, inject_faults
from pmr.generator import generate
from pmr.pipeline import run_month
from tests.helpers import read_csv_rows

GENERATED = (dt.date(2026, 10, 14), 3, 0.001, 7)  # start, days, scale, seed of the landing
DAY = dt.date(2026, 10, 15)  # the day of its faults
MONTH = "2026-10"
FORMATS = ("csv", "parquet")


def generated_and_built(base, fmt: str) -> dict:
    """GENERATED in this format, with pmr inject-faults' rows of DAY, published by run_month."""
    landing = base / "landing"
    generate(*GENERATED, landing, fmt=fmt)
    record = inject_faults(landing, DAY)
    # three days of the month: the others have no data
    link = run_month(MONTH, landing, base / "out", db=base / "w.duckdb", allow_missing_days=True)
    return {"landing": landing, "record": record, "link": link, "db": base / "w.duckdb"}


@pytest.fixture(scope="module")
def generated_month(tmp_path_factory):
    """Three generated days of October 2026 as Parquet, with faults on the 15th, published."""
    return generated_and_built(tmp_path_factory.mktemp("generated"), "parquet")


@pytest.fixture(scope="module")
def faulty(generated_month):
    quality = read_csv_rows(generated_month["link"] / "quality.csv")
    return dict(landing=generated_month["landing"], record=generated_month["record"], quality=quality,
                page=(generated_month["link"] / "pmr.html").read_text())


def test_each_source_gets_the_faults_written_down_for_it(faulty):
    """The designed faults, in order, as many as fit within 0.1% of the source's rows."""
    files = faulty["record"]["files"]
    assert files["service_requests/2026-10-15.faults.csv"] == {
        "missing required value: user_id": 1, "unparsable timestamp: received_at": 1, "invalid srv: not an SRV number": 1,
        "unknown csp_region": 1, "conflicting contents for the same request_id": 2}
    assert files["service_responses/2026-10-15.faults.csv"] == {
        "missing required value: response_code": 1, "unparsable timestamp: response_at": 1,
        "unknown response_code": 1, "response before its request": 1}
    assert files["alerts/2026-10-15.faults.csv"]["end before start: delivered_at before received_at"] == 1
    # three days of outages and incidents are far fewer than 1,000 rows
    assert set(faulty["record"]["not_injected"]) >= {"outages", "incidents"}
    assert "a faulty row would be more than 0.1% of them" in faulty["record"]["not_injected"]["outages"]
    written = json.loads(faults_record_path(faulty["landing"]).read_text())
    assert written["files"] == files and written["not_injected"] == {"2026-10-15": faulty["record"]["not_injected"]}


def test_every_faulty_row_is_quarantined_with_its_reason(faulty):
    quarantined: dict[str, dict[str, int]] = {}
    for row in faulty["quality"]:
        if row["reason"]:
            quarantined.setdefault(row["file"], {})[row["reason"]] = int(row["quarantined"])
    assert quarantined == faulty["record"]["files"]


def test_no_valid_row_is_touched(faulty):
    """Every row of the generated files is accepted or a duplicate, as without faults, so
    the figures are those of the same landing without them."""
    totals = [r for r in faulty["quality"] if not r["reason"]]
    assert {r["file"] for r in totals if int(r["quarantined"])} == set(faulty["record"]["files"])
    for row in totals:
        if row["file"] not in faulty["record"]["files"]:
            assert int(row["rows_read"]) == int(row["accepted"]) + int(row["duplicates"]), row


def test_injecting_again_replaces_the_days_faults_and_keeps_other_days(faulty, tmp_path):
    import shutil

    landing = tmp_path / "landing"
    shutil.copytree(faulty["landing"], landing)
    faults_file = landing / "alerts" / "2026-10-15.faults.csv"
    before = faults_file.read_bytes()
    assert inject_faults(landing, DAY) == faulty["record"]
    assert faults_file.read_bytes() == before

    # another day adds its faults; the csp test messages' 0.1% is already taken by the 15th's
    other_day = inject_faults(landing, DAY + dt.timedelta(days=1))
    assert "alerts/2026-10-16.faults.csv" in other_day["files"]
    assert "faulty rows of other days" in other_day["not_injected"]["csp_test_messages"]
    written = json.loads(faults_record_path(landing).read_text())
    assert set(written["files"]) == set(faulty["record"]["files"]) | set(other_day["files"])
    assert set(written["not_injected"]) == {"2026-10-15", "2026-10-16"}


def test_the_command_reports_what_it_wrote_and_refuses_a_missing_folder(faulty, tmp_path, capsys):
    assert cli.main(["inject-faults", "--landing", str(faulty["landing"]), "--day", "2026-10-15"]) == 0
    printed = capsys.readouterr().out
    assert "service_requests/2026-10-15.faults.csv: 6 faulty rows (missing required value: user_id" in printed
    assert "outages: none (" in printed and "record: " in printed
    assert cli.main(["inject-faults", "--landing", str(tmp_path / "missing"), "--day", "2026-10-15"]) == 1
    assert "landing folder not found" in capsys.readouterr().err
    assert cli.main(["inject-faults", "--landing", str(faulty["landing"]), "--day", "2026-10-20"]) == 1
    assert "holds no landing file of 2026-10-20" in capsys.readouterr().err


def test_the_reports_appendix_lists_the_reasons_and_says_where_the_rows_are(faulty):
    appendix = faulty["page"].split('<section id="quality">', 1)[1].split("</section>", 1)[0]
    # the service_requests faults: the conflicting pair, then one row for each other reason
    assert ("<tr><th scope=row>service_requests</th><td>conflicting contents for the same request_id</td><td>2</td></tr>"
            in appendix)
    assert "<tr><th scope=row>service_requests</th><td>invalid srv: not an SRV number</td><td>1</td></tr>" in appendix
    assert "its row number and the values as read, is in the warehouse table <code>staging.quarantined_rows</code>" \
        in appendix


def test_generating_a_faulted_day_again_removes_its_faults(faulty, tmp_path):
    """The day's faults copied rows of the files it replaces (a response before its
    request names a request of that day): they go, and the record forgets them."""
    import shutil

    landing = tmp_path / "landing"
    shutil.copytree(faulty["landing"], landing)
    shutil.copy(faults_record_path(faulty["landing"]), faults_record_path(landing))
    summary = generate(DAY, 1, 0.001, 8, landing)
    assert not list(landing.glob("*/2026-10-15.faults.csv"))
    removed = len(faulty["record"]["files"])
    assert any(f"removed {removed} faults file(s) of the generated days (2026-10-15.faults.csv)" in w
               for w in summary["warnings"]), summary["warnings"]
    written = json.loads(faults_record_path(landing).read_text())
    assert written["files"] == {} and written["not_injected"] == {}


def test_a_damaged_file_leaves_its_source_without_faults_and_the_others_with_theirs(faulty, tmp_path):
    import shutil

    landing = tmp_path / "landing"
    shutil.copytree(faulty["landing"], landing)
    damaged = landing / "alerts" / "2026-10-14.parquet"
    damaged.write_bytes(damaged.read_bytes()[:3000])  # cut short, as an interrupted copy leaves it
    injected = inject_faults(landing, DAY)
    assert injected["not_injected"]["alerts"].startswith("a landing file of alerts cannot be read (pmr run skips")
    assert "service_requests/2026-10-15.faults.csv" in injected["files"]
    with pytest.raises(ValueError, match="landing path is not a folder"):
        inject_faults(damaged, DAY)


# --- only the reporting period ---------------------------------------------------------

def test_far_months_a_second_copy_of_every_file_and_days_cut_into_files_change_no_figure(generated_month, tmp_path):
    """Rows that must not count change no figure of October. Every metric model restricts
    its rows to the period (docs/adding-a-metric.md, "Only the reporting period"), a rule
    the gate cannot hold since a monthly figure carries no day: days generated four
    months before and after October, further than any look-back (the install forecast's
    four weeks) or follow-up window reaches, land beside its days. And a re-delivered
    row counts once (raw-extracts.md): every October file lands again under another
    name. A metric model that forgot to filter, or a source whose copies counted twice,
    would move figures. The first delivery of each generated file comes cut into three
    files, as an extract delivered several times a day would (any number of files,
    raw-extracts.md): a day's rows in several files must count as in one, and each copy
    of a row then lies at another position in its file than the row it copies (a
    duplicate rule comparing positions passed this test while copies were whole files)."""
    import shutil

    import pyarrow.parquet

    landing = tmp_path / "landing"
    shutil.copytree(generated_month["landing"], landing)
    for path in sorted(landing.glob("*/*")):
        shutil.copy(path, path.with_name(f"resent-{path.name}"))
        if path.suffix == ".parquet":
            rows = pyarrow.parquet.read_table(path)
            size = max(1, -(-rows.num_rows // 3))  # a file of no rows stays one (empty) file
            for part, start in enumerate(range(0, max(rows.num_rows, 1), size), start=1):
                pyarrow.parquet.write_table(rows.slice(start, size), path.with_name(f"{path.stem}.part{part}.parquet"))
            path.unlink()
    generate(dt.date(2026, 6, 10), 3, 0.001, 8, landing)
    generate(dt.date(2027, 2, 10), 3, 0.001, 9, landing)
    assert len(list((landing / "service_requests").glob("2026-06-1*.parquet"))) == 3
    assert len(list((landing / "incidents").glob("resent-2026-10-1*.parquet"))) == 3
    assert len(list((landing / "alerts").glob("2026-10-14.part*.parquet"))) == 3
    link = run_month(MONTH, landing, tmp_path / "out", db=tmp_path / "w.duckdb", allow_missing_days=True)
    published = (generated_month["link"] / "metrics.csv").read_text()
    with_rows_that_must_not_count = (link / "metrics.csv").read_text()
    assert published.count("\n") > 100
    moved = set(published.splitlines()) ^ set(with_rows_that_must_not_count.splitlines())
    assert not moved, "figures that moved (the lines of either file):\n" + "\n".join(sorted(moved)[:20])
    assert with_rows_that_must_not_count == published


# --- the same landing delivered as CSV ----------------------------------------------

@pytest.fixture(scope="module")
def builds(generated_month, tmp_path_factory):
    """The month as Parquet, and the same days generated and built as CSV."""
    return {"csv": generated_and_built(tmp_path_factory.mktemp("csv"), "csv"), "parquet": generated_month}


def test_metrics_csv_is_byte_identical(builds):
    metrics = [(builds[fmt]["link"] / "metrics.csv").read_bytes() for fmt in FORMATS]
    assert metrics[0].count(b"\n") > 100
    assert metrics[0] == metrics[1]


def quality_rows(build) -> list[dict]:
    return read_csv_rows(build["link"] / "quality.csv")


def test_quality_csv_accounts_for_the_same_rows_file_by_file(builds):
    def generated(fmt):
        """(source, file named as the Parquet landing names it, counts, reason) of each generated file."""
        return sorted((row["source"], row["file"].replace(".csv", ".parquet"), *list(row.values())[2:])
                      for row in quality_rows(builds[fmt]) if not row["file"].endswith(".faults.csv"))

    assert {row["file"].rsplit(".", 1)[-1] for row in quality_rows(builds["csv"])} == {"csv"}
    assert len(generated("csv")) >= 7 * 3 and generated("csv") == generated("parquet")
    # the faulty rows are CSV files in both landings, quarantined alike
    faults = [[row for row in quality_rows(builds[fmt]) if row["file"].endswith(".faults.csv")] for fmt in FORMATS]
    assert faults[0] and faults[0] == faults[1]


@pytest.mark.parametrize("source", SOURCES)
def test_every_staged_row_is_the_same(builds, source):
    con = duckdb.connect(str(builds["csv"]["db"]), read_only=True)
    try:
        con.execute(f"attach '{builds['parquet']['db']}' as from_parquet (read_only)")
        from_csv = f"select * exclude (_file) from staging.stg_{source}"
        from_parquet = f"select * exclude (_file) from from_parquet.staging.stg_{source}"
        staged = con.execute(f"select count(*) from ({from_csv})").fetchone()[0]
        only_csv = con.execute(f"select count(*) from ({from_csv} except all {from_parquet})").fetchone()[0]
        only_parquet = con.execute(f"select count(*) from ({from_parquet} except all {from_csv})").fetchone()[0]
    finally:
        con.close()
    assert staged > 0
    assert (only_csv, only_parquet) == (0, 0)
