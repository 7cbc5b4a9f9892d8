"""The published page of the hand-made October (tests/conftest.py's rsvp_month): one
self-contained file whatever the row order of the figures, its charts described by
what they draw and rendered in a real browser without console errors, and the days
without data and the provisional figures named where a reader looks. The other
published outputs: test_report.py."""

import datetime as dt
import shutil

import duckdb
import pytest

from pmr import PROJECT_DIR
from reports import render
from reports.browser import A4_PRINT_WIDTH_PX
from tests.helpers import check_in_browser, read_csv_rows
from tests.page_tables import PageTables
from tests.rsvp_landing import MONTH


def test_page_does_not_depend_on_the_row_order_of_the_metrics_table(rsvp_month, tmp_path):
    """Tables are written in parallel, so their row order changes from build to build
    (two builds of a scale-0.002 month put the same chart points in another order);
    the page must not. Render, reverse the rows of metrics.pmr_metrics, render again:
    the same page but for its publication time."""
    db = tmp_path / "w.duckdb"
    shutil.copy(rsvp_month["db"], db)
    con = duckdb.connect(str(db))
    try:
        pages = []
        for name in ("as-built", "reversed"):
            if name == "reversed":
                con.execute("create or replace table metrics.pmr_metrics as "
                            "select * from metrics.pmr_metrics order by rowid desc")
            (tmp_path / name).mkdir()
            page = render.write_html(con, MONTH, tmp_path / name, [], None).read_text()
            pages.append([line for line in page.splitlines() if "<dt>Published</dt>" not in line])
    finally:
        con.close()
    assert pages[0] == pages[1]


def test_page_is_self_contained(rsvp_month):
    page = (rsvp_month["link"] / "pmr.html").read_text()
    assert "<script src=" not in page and "https://" not in page.split("<script>", 1)[0]
    assert "vegaEmbed" in page
    assert "Install and Commission" in page and "Prepayment Top Up Device Remotely" in page
    assert "Definitions version" in page and "2026-11-13" in page  # the October deadline


def test_daily_rsvp_charts_are_described_by_what_they_draw(rsvp_month):
    """A screen reader hears a chart's label instead of seeing it: the label names the
    interim RTT excluding the HAN where the chart draws it, a process with daily
    rsvp.mean_rtt_excl_han_s figures, and only there (never alerts)."""
    page = PageTables()
    page.feed((rsvp_month["link"] / "pmr.html").read_text())
    labels = {label.split(":", 1)[0]: label for label in page.charts["rsvp"]}
    names = {row["business_process"]: row["display_name"]
             for row in read_csv_rows(PROJECT_DIR / "seeds" / "business_processes.csv")}
    drawn = {names[row["business_process"]] for row in read_csv_rows(rsvp_month["link"] / "metrics.csv")
             if row["metric_id"] == "rsvp.mean_rtt_excl_han_s" and row["day"]}
    assert {"Install and Commission", "Alerts Management"} <= set(labels) and "Alerts Management" not in drawn
    assert 0 < len(drawn) < len(labels)
    assert {name for name, label in labels.items() if "excluding the HAN" in label} == drawn
    assert all("a colour and a point shape" in label for label in labels.values())


@pytest.mark.browser
def test_page_renders_every_chart_without_console_errors(rsvp_month, tmp_path):
    check = check_in_browser(rsvp_month["link"] / "pmr.html", tmp_path / "pmr.png")
    assert check.console_errors == []
    assert check.charts >= 5  # one per business process with traffic, at least
    assert check.charts_rendered == check.charts
    assert check.charts_with_svg >= check.charts
    assert check.charts_described == check.charts  # Vega's "Vega visualization" does not replace them
    assert check.charts_explained_without_javascript == check.charts
    assert check.print_width_px <= A4_PRINT_WIDTH_PX  # nothing makes the printed report shrink
    assert check.screenshot.stat().st_size > 10_000


def test_a_month_published_with_days_missing_says_so_at_the_top(rsvp_month):
    # the hand-made landing has requests, responses and alerts on a few days only (SPARSE)
    page = (rsvp_month["link"] / "pmr.html").read_text()
    header = page.split("</header>", 1)[0]
    assert '<p class="incomplete"><strong>Incomplete month.</strong>' in header
    # tests/test_rsvp.py's requests fall on UK days 1 (A: 23:30 UTC on 30 September is 00:30 BST),
    # 10, 12, 14, 25 and 31 October (B is 23:59:59 BST on 30 September, D 1 November): 25 days without
    assert ("service_requests (days_missing=25, missing_days=2026-10-02..2026-10-09, 2026-10-11, 2026-10-13, "
            "2026-10-15..2026-10-24, 2026-10-26..2026-10-30)") in header


def test_daily_charts_mark_the_days_without_data(rsvp_month):
    """Every UK day on which one of the three sources has no data is a grey band on every
    daily chart but availability's (outages only), so a volume of 0 there reads as an
    extract that did not land. By the
    notice's lists (requests miss 2-9, 11, 13, 15-24, 26-30; responses a subset of those;
    alerts 1-4, 6-9, 11-19, 21-31), only 10 October has all three."""
    import datetime as dt
    import json
    import re

    page = (rsvp_month["link"] / "pmr.html").read_text()
    specs = [json.loads(spec) for spec in re.findall(r"pmrEmbed\('#chart-\d+', (.*?)\);</script>", page)]
    expected = {dt.date(2026, 10, day) for day in range(1, 32) if day != 10}
    def plots_days(node) -> bool:
        if isinstance(node, dict):
            return (node.get("field"), node.get("type")) == ("day", "temporal") or any(map(plots_days, node.values()))
        return isinstance(node, list) and any(map(plots_days, node))

    daily = [spec for spec in specs if plots_days({k: v for k, v in spec.items() if k != "datasets"})]
    availability = [spec for spec in daily if "availability per UK day" in json.dumps(spec.get("title"))]
    assert availability and len(daily) > len(availability)
    for spec in availability:
        assert not [rows for rows in spec["datasets"].values() if rows and set(rows[0]) == {"day", "start", "end"}]
        # a day's availability is an indicator: the month's service levels are not drawn against it
        assert not [row for rows in spec["datasets"].values() for row in rows if "level" in row]
    for spec in (spec for spec in daily if spec not in availability):
        (band,) = [rows for rows in spec["datasets"].values() if rows and set(rows[0]) == {"day", "start", "end"}]
        assert {dt.date.fromisoformat(row["day"][:10]) for row in band} == expected
        # centred on the day's point: from 12:00 the day before to 12:00 on the day
        assert all(row["start"][11:16] == "12:00" and row["end"][:16] == row["day"][:10] + "T12:00" for row in band)


def test_the_sparse_fixture_is_provisional(rsvp_month):
    # its last alert is on 20 October, its last request and response at midnight on 1 November:
    # the landing does not reach past the month, so no follow-up window has landed
    header = (rsvp_month["link"] / "pmr.html").read_text().split("</header>", 1)[0]
    assert "<strong>Provisional figures.</strong>" in header and "cos.pct_success" in header
    # and the warehouse says so of the same ids: every id with a window, none without
    con = duckdb.connect(str(rsvp_month["db"]), read_only=True)
    try:
        status = con.execute("""select s.metric_id, s.is_provisional, c.follow_up_s > 0, s.landed_through_utc
                                from metrics.metric_status s join metrics.metric_catalogue c using (metric_id)
                                """).fetchall()
    finally:
        con.close()
    assert len(status) > 50 and all(provisional == bool(window) for _, provisional, window, _ in status)
    assert {landed for *_, landed in status} == {dt.datetime(2026, 11, 1)}
    assert {m for m, provisional, *_ in status if provisional} >= {"cos.pct_success", "pp.pct_success"}


def test_a_section_showing_provisional_figures_names_them_at_its_top(rsvp_month):
    page = (rsvp_month["link"] / "pmr.html").read_text()
    section = {key: body.split("</section>", 1)[0] for key, body in
               (part.split('">', 1) for part in page.split('<section id="')[1:])}
    notes = {key: body.split("<h2>", 1)[1].split("</h2>", 1)[1].lstrip().startswith('<p class="provisional">')
             for key, body in section.items()}
    # a top-up and an RSVP request look for their final response after the month (follow_up),
    # A1 for the next day's extract (an alert received before midnight is delivered after it);
    # incidents and availability look for nothing after it
    assert notes["outcomes"] and "(<code>pp.pct_success</code>)" in section["outcomes"]
    assert notes["rsvp"] and "(<code>rsvp.pct_within_trt</code>)" in section["rsvp"]
    assert notes["alerts"] and "(<code>alerts.pct_within_sla</code>)" in section["alerts"]
    assert not notes["incidents"] and not notes["availability"]
    # the measures at a glance mark their rows instead of a note
    assert not notes["measures"] and "(provisional)" in section["measures"]
