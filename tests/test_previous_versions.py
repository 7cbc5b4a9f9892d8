"""Which version of a month a report is built beside: the previous month's publication
its previous levels come from, the publication of its own month it replaces, and the
later report a republication makes stale."""

from __future__ import annotations

import json

from pmr.pipeline import previous_publication, reports_made_stale
from pmr.run_log import RunLog
from reports.render import read_previous_metrics, replaced_version
from tests.conftest import write_september_report


def _published(out, month, published_at, previous_levels_from=None):
    """A published report of `month` as the run log of its folder describes it."""
    folder = out / month
    folder.mkdir(parents=True)
    (folder / "metrics.csv").write_text("metric_id\n")
    log = RunLog(month=month, landing="landing", warehouse="w.duckdb", status="published",
                 timeliness={"published_at": published_at}, previous_levels_from=previous_levels_from)
    log.write(folder)


def test_a_republication_names_the_later_report_whose_previous_levels_it_changes(tmp_path):
    """October was rendered beside September's publication of 09:00; September published
    again at 12:00 leaves October's previous levels from the replaced version."""
    out = tmp_path / "out"
    _published(out, "2026-09", "2026-10-05T09:00:00+00:00")
    september_then = previous_publication(out, "2026-09")
    assert september_then == {"month": "2026-09", "published_at": "2026-10-05T09:00:00+00:00"}
    _published(out, "2026-10", "2026-11-05T09:00:00+00:00", previous_levels_from=september_then)
    assert reports_made_stale(out, "2026-09", "2026-10-05T09:00:00+00:00") == []
    assert reports_made_stale(out, "2026-09", "2026-11-20T12:00:00+00:00") == ["2026-10"]
    # nothing later published: nothing made stale
    assert reports_made_stale(out, "2026-10", "2026-11-20T12:00:00+00:00") == []


def test_a_month_published_after_the_next_one_says_that_report_lacks_its_levels(tmp_path):
    """October published first had no September beside it (None): September's first
    publication makes it stale, as would a report whose log predates the record."""
    out = tmp_path / "out"
    assert previous_publication(out, "2026-09") is None
    _published(out, "2026-10", "2026-11-05T09:00:00+00:00", previous_levels_from=None)
    assert reports_made_stale(out, "2026-09", "2026-11-06T09:00:00+00:00") == ["2026-10"]


def test_the_header_names_the_replaced_version_and_where_it_stays():
    assert replaced_version(None) == ""
    assert replaced_version({"published_at": "2026-11-16T12:00:00+00:00", "provisional": True,
                             "folder": ".runs/2026-10/20261116T120000-ab12"}) == (
        "the report published 2026-11-16 12:00 GMT with provisional figures, kept in "
        "<code>.runs/2026-10/20261116T120000-ab12</code> beside the published reports")


def test_a_damaged_previous_report_costs_the_previous_levels_not_the_publication(tmp_path):
    """A truncated run-log.json beside a good metrics.csv raised a JSONDecodeError and
    nothing was published; an empty or column-less metrics.csv raised too."""
    folder = tmp_path / "2026-09"
    write_september_report(folder)
    (folder / "run-log.json").write_text('{"provisional": tr')
    previous, log, problem = read_previous_metrics(folder / "metrics.csv")
    assert len(previous) == 1 and log is None and problem is None
    (folder / "metrics.csv").write_text("")
    previous, log, problem = read_previous_metrics(folder / "metrics.csv")
    assert previous is None and problem == "No columns to parse from file"
    (folder / "metrics.csv").write_text("metric_id,value\nrsvp.volume,3\n")
    previous, _, problem = read_previous_metrics(folder / "metrics.csv")
    assert previous is None and problem.startswith("it has no column requirement, kind, period, day")
    other = tmp_path / "other" / "2026-09"
    write_september_report(other)
    (other / "run-log.json").write_text(json.dumps(["not", "a", "log"]))
    previous, log, problem = read_previous_metrics(other / "metrics.csv")
    assert len(previous) == 1 and log is None and problem is None
    assert read_previous_metrics(tmp_path / "2026-08" / "metrics.csv") == (None, None, None)  # none published
