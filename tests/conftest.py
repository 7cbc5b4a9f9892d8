"""Fixtures that several test modules share."""

import csv
import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from tests.rsvp_landing import MONTH, write_landing

# dbt's debug log file (every statement of every node) is for reading a run by hand; no
# test reads it but the one that says so, and writing it costs a tenth of every build
os.environ.setdefault("DBT_LOG_LEVEL_FILE", "none")


def write_september_report(folder):
    """One figure of September's metrics.csv, and its run log: published provisional,
    with a day without data and a source without data for the month."""
    from pmr.metrics import CSV_COLUMNS

    folder.mkdir(parents=True)
    september = dict(metric_id="rsvp.pct_within_trt", requirement="R1", kind="measure", period="2026-09",
                     business_process="prepayment_top_up", segment="All", value="97.5", unit="pct", target="99",
                     minimum="96")
    with open(folder / "metrics.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, CSV_COLUMNS)
        writer.writeheader()
        writer.writerow(september)
    (folder / "run-log.json").write_text(json.dumps({"provisional": True, "timeliness": {
        "month": "2026-09", "published_at": "2026-10-14T09:30:00+00:00"}, "checks": [
        {"name": "period: every day has data", "passed": False},
        {"name": "period: data after the month has landed", "passed": False},
        {"name": "period: every source has data in the month", "passed": False},
        {"name": "metrics: kind", "passed": True}]}))


@pytest.fixture(scope="session")
def rsvp_month(tmp_path_factory):
    """October 2026 from the hand-made landing of tests/rsvp_landing.py, built and
    published on Monday 16 November, past its deadline (Friday 13 November), with
    provisional figures: the landing has nothing after the month. Beside it,
    September's report as published (by hand).

    test_rsvp reads its warehouse, test_report, test_report_presentation and test_report_alerts its
    warehouse and report: one build per test worker instead of one per module (a
    build costs a minute). A test that runs the month again into this warehouse and
    folder (test_report's re-run) does it at the same publication time and must leave
    the figures as they are; one that changes them works on a copy."""
    from pmr import pipeline

    root = tmp_path_factory.mktemp("rsvp_month")
    landing, out, db = write_landing(root / "landing"), root / "out", root / "w.duckdb"
    write_september_report(out / "2026-09")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "publication_clock", lambda: dt.datetime(2026, 11, 16, 12, tzinfo=dt.timezone.utc))
        # the hand-made landing has rows on a few days of the month only
        link = pipeline.run_month(MONTH, landing, out, db=db, allow_missing_days=True)
    return {"landing": landing, "out": out, "db": db, "link": link, "metrics": (link / "metrics.csv").read_bytes()}


@pytest.fixture(scope="session")
def outcomes_month(tmp_path_factory):
    """October 2026 built from the hand-made landing of tests/outcomes_landing.py, with
    the gate's checks of the build: test_outcomes and test_outcomes_installs read it,
    one build per test worker."""
    from tests.helpers import build_warehouse
    from tests.outcomes_landing import write_landing

    root = tmp_path_factory.mktemp("outcomes")
    landing, db = root / "landing", root / "w.duckdb"
    write_landing(landing)
    return {"db": db, "checks": build_warehouse(landing, db, MONTH)}


@pytest.fixture
def outcomes_db(outcomes_month):
    """The warehouse of outcomes_month."""
    return outcomes_month["db"]


# The session-scoped builds above are built by each test worker that runs a module using
# them, a minute each time. `make test` sends each test module to one worker (--dist
# loadfile); the scheduler below sends all the modules naming one of these builds (or a
# fixture made from it) to the same worker, which builds it once. A module it misses
# still passes, building the month again. (xdist_group marks added at collection would
# do the same, but pytest 9.2 no longer lets xdist read them: pytest-xdist#1386.)
SHARED_BUILDS = {"rsvp_month": "rsvp_month", "outcomes_month": "outcomes_month", "outcomes_db": "outcomes_month"}


def shared_build_of_modules(tests: Path) -> dict[str, str]:
    """{test module as xdist names it: the shared build it uses} for the modules naming one."""
    naming = re.compile(r"\b(" + "|".join(SHARED_BUILDS) + r")\b")
    groups = {}
    for module in sorted(tests.glob("test_*.py")):
        found = naming.search(module.read_text(encoding="utf-8"))
        if found:
            groups[f"{tests.name}/{module.name}"] = SHARED_BUILDS[found.group(1)]
    return groups


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    groups = shared_build_of_modules(Path(__file__).parent)

    class SharedBuildScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return groups.get(module, module)

    return SharedBuildScheduling(config, log)
