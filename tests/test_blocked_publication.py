"""A blocked publication end to end: `pmr run` publishes a good month, then runs the same
month from a landing folder where most rows are garbage into the same out folder. The
run must exit 2 naming the failed checks, record them in its run log, keep its
quality.csv unpublished, and leave the published report byte-for-byte unchanged."""

import contextlib
import csv
import io
import json

import pytest

from pmr.cli import main
from tests.gate_landings import MONTH, snapshot, write_garbage_landing, write_good_landing


@pytest.fixture(scope="module")
def garbage_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("gate")
    good, garbage = write_good_landing(base / "good"), write_garbage_landing(base / "garbage")
    out, db = base / "out", base / "warehouse.duckdb"
    args = ["run", "--month", MONTH, "--out", str(out), "--db", str(db), "--allow-missing-days"]
    assert main([*args, "--landing", str(good)]) == 0
    published = out / MONTH
    before = (published.resolve(), snapshot(published))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main([*args, "--landing", str(garbage)])
    return dict(out=out, published=published, before=before, code=code, stderr=stderr.getvalue())


def test_garbage_is_not_published_and_the_cli_names_the_failed_checks(garbage_run):
    assert garbage_run["code"] == 2
    stderr = garbage_run["stderr"]
    assert "NOT PUBLISHED" in stderr
    assert "accounting: quarantined share within limit" in stderr
    assert "service_requests" in stderr
    assert "run log:" in stderr
    assert "quarantined per file:" in stderr
    assert "Traceback" not in stderr


def test_the_earlier_report_is_unchanged(garbage_run):
    target, files = garbage_run["before"]
    assert garbage_run["published"].resolve() == target
    assert snapshot(garbage_run["published"]) == files
    assert {"pmr.html", "metrics.csv", "quality.csv", "run-log.json"} <= set(files)


def test_the_blocked_run_log_names_the_failed_checks(garbage_run):
    runs = sorted((garbage_run["out"] / ".runs" / MONTH).iterdir())
    log = json.loads((runs[-1] / "run-log.json").read_text())
    assert log["status"] == "blocked"
    assert "accounting: quarantined share within limit" in log["blocked_by"]
    failed_checks = {c["name"]: c for c in log["checks"] if not c["passed"] and c["blocking"]}
    assert "service_requests" in failed_checks["accounting: quarantined share within limit"]["detail"]
    assert [s["step"] for s in log["steps"]] == ["ingest", "dbt build", "collect metrics", "checks"]
    assert not (runs[-1] / "pmr.html").exists()
    # row counts of the built tables: two landing files, the 300 garbage rows quarantined
    rows = log["steps"][1]["rows"]
    assert (rows["landing_accounting"], rows["quarantined_rows"]) == (2, 300)


def test_the_blocked_run_keeps_its_quality_csv_unpublished(garbage_run):
    """The garbage landing: 6 good requests and 300 bad ones (100 of each kind)."""
    runs = sorted((garbage_run["out"] / ".runs" / MONTH).iterdir())
    with open(runs[-1] / "quality.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source"] == "service_requests"]
    counts = {r["reason"]: (r["rows_read"], r["accepted"], r["duplicates"], r["quarantined"]) for r in rows}
    assert counts[""] == ("306", "6", "0", "300")
    assert {reason: c[3] for reason, c in counts.items() if reason} == {
        "unparsable timestamp: received_at": "100", "unknown srv": "100", "missing required value: request_id": "100"}
