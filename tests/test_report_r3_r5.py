"""The report sections of Requirement 3 (service availability and reliability,
inferred outages) and Requirement 5 (CPM5 by category) on a hand-made month,
October 2026, published with `run_month`: the figures on the page (as
reports.format shows them) and in metrics.csv, worked out by hand below, and the
page in a real browser.

The landing folder (tests/r3_r5_landing.py, which gives each of its rows' part in the
figures) reuses the hand-made extracts of other tests and adds a North outage and
North traffic missing on two Working Days, which the inferred outages find.

October 2026: 44,700 minutes; active band 17,040, inactive 27,660 (see
tests/test_availability.py).
"""

from __future__ import annotations

import csv

import pytest

from pmr.pipeline import run_month
from reports.browser import A4_PRINT_WIDTH_PX
from reports.sections import all_sections
from tests.helpers import check_in_browser
from tests.page_tables import PageTables, rows_of, table_with
from tests.r3_r5_landing import write_landing

MONTH = "2026-10"
# the hand-made landing has rows on a few days of the month only
SPARSE = True
OCT_MIN = 44_700
ACTIVE_MIN = 17_040
INACTIVE_MIN = 27_660


def pct(available_min: float, uptime_min: float) -> str:
    """As reports.format.number shows a pct figure."""
    return f"{100.0 * available_min / uptime_min:.2f}%"


# --- fixture -------------------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("r3_r5")
    landing = write_landing(root / "landing")
    link = run_month(MONTH, landing, root / "out", db=root / "w.duckdb", allow_missing_days=SPARSE)
    html = (link / "pmr.html").read_text()
    page = PageTables()
    page.feed(html)
    with open(link / "metrics.csv", newline="") as handle:
        metrics = list(csv.DictReader(handle))
    return {"link": link, "html": html, "page": page, "metrics": metrics, "db": root / "w.duckdb"}


def csv_rows(published, metric_id, **breakdown):
    dims = ("day", "business_process", "segment", "device_type", "service", "time_band", "category")
    return [r for r in published["metrics"] if r["metric_id"] == metric_id
            and all(r[d] == str(breakdown.get(d, "") or "") for d in dims)]


# --- Requirement 3 ---------------------------------------------------------------

def test_sections_are_on_the_page_in_order(published):
    keys = [s.key for s in all_sections()]
    assert keys.index("alerts") < keys.index("availability") < keys.index("incidents") < keys.index("other")
    html = published["html"]
    assert '<section id="availability">' in html and '<section id="incidents">' in html
    assert "Requirement 3: service availability and reliability" in html
    assert "Requirement 5: CPM5 by incident category" in html


def test_claims_cover_exactly_the_ids_shown(published):
    sections = {s.key: s for s in all_sections()}
    ids = {r["metric_id"] for r in published["metrics"]}
    for metric_id in ids:
        owners = [k for k, s in sections.items() if s.claims(metric_id)]
        if metric_id.startswith(("availability.", "reliability.")):
            assert owners == ["availability"], metric_id
        elif metric_id.startswith("cpm5."):
            assert owners == ["incidents"], metric_id
        else:
            assert "availability" not in owners and "incidents" not in owners, metric_id
    # nothing of R3 / R5 is left to the generic table
    other = " ".join(t["caption"] for t in published["page"].tables.get("other", []))
    assert "availability." not in other and "reliability." not in other and "cpm5." not in other


def test_measures_at_a_glance_name_their_scope(published):
    rows = rows_of(published["page"], "measures")[1:]  # after the header
    scopes = {row[2] for row in rows if row[1] in ("R3", "R5")}
    # a service, by its name, not its key, and which view: the national one, whose outages exclude regional ones
    assert "DCC User Interface, national view (national outages only)" in scopes
    assert any(scope.startswith("Category ") and scope.endswith(" incidents") for scope in scopes)
    assert "" not in scopes


def test_measures_at_a_glance_list_those_without_a_service_level_too(published):
    """Every monthly measure of metrics.csv for all segments is listed, those the
    definitions set no level for (IC1, B1, PP1, ...) with none set, rather than left out."""
    measures = [r for r in published["metrics"] if r["kind"] == "measure" and not r["day"]
                and r["segment"] in ("", "All") and not r["time_band"] and not r["device_type"]]
    rows = rows_of(published["page"], "measures")[1:]
    assert len(rows) == len(measures)
    # IC1's share missed has no level either, but is judged by the within-TRT ceilings (below)
    without = [r for r in measures if not r["target"] and r["metric_id"] != "ic.pct_trt_missed"]
    assert without  # e.g. pp.pct_success
    assert sum(row[7].startswith("no level set") for row in rows) == len(without)
    assert all(row[5:7] == ["–", "–"] for row in rows if row[7].startswith("no level set"))


def test_measures_at_a_glance_mark_the_provisional_ones(published):
    # the landing holds nothing after October: RSVP's window (final responses) has not
    # landed, while availability and CPM5 look at the month only
    rows = rows_of(published["page"], "measures")[1:]
    by_requirement = {}
    for row in rows:
        by_requirement.setdefault(row[1], set()).add(row[-1].endswith(" (provisional)"))
    assert by_requirement["R1"] == {True}
    assert by_requirement["R3"] == {False} and by_requirement["R5"] == {False}


def test_service_level_table_with_previous_period(published):
    rows = rows_of(published["page"], "availability")
    # header of the seed's Table 3
    assert ["Monthly performance measure", "Previous service level (September 2026, recomputed)", "Service level",
            "Target service level", "Minimum service level", "M/I"] in rows
    levels = ["99.50%", "98.00%", "M"]
    # A1 u A2 u A3 = 90 min; September clean.
    assert ["Service availability – DCC User Interface", "100.00%", pct(OCT_MIN - 90, OCT_MIN)] + levels in rows
    # September: P1 120 + B0's September hour 60 = 180 of 43,200; October 240 of 44,700.
    assert ["Service availability – SMKI Repository Interface", pct(43_200 - 180, 43_200),
            pct(OCT_MIN - 240, OCT_MIN)] + levels in rows  # 99.58%, 99.46%
    # Cap: 360 min excluded, 120 min unplanned: (44,340 - 120) / 44,340.
    assert ["Service availability – SMKI Services Interface", "100.00%",
            pct(OCT_MIN - 360 - 120, OCT_MIN - 360)] + levels in rows  # 99.73%
    # Only North is touched by N1 and C1: the national view keeps 90 min (RDI), 0 (SSI).
    assert ["Service availability – Registration Data Interface", "100.00%", "99.80%"] + levels in rows
    assert ["Service availability – Self-Service Interface", "100.00%", "100.00%"] + levels in rows


def test_the_previous_service_level_names_the_days_its_month_has_no_data(published):
    # September in this landing: one request at 22:59:59 UTC on the 30th (23:59:59 BST, so
    # 30 September); the first response and the one alert are in October
    assert ("The landing holds no service request, response or alert for some days of September 2026 "
            "(service_requests: 2026-09-01..2026-09-29; service_responses: 2026-09-01..2026-09-30; alerts: "
            "2026-09-01..2026-09-30), so it probably does not reach those days: an outage recorded on them would "
            "be missing from the outages landed, and the previous service level counts those days as up."
            ) in published["html"]
    assert "so it is not a figure of this report's metrics.csv" in published["html"]


def test_no_previous_service_level_for_a_month_without_any_data(published):
    """The landing holds nothing of August 2026: a report of September would show August
    as 100% available (no outage recorded) without this rule; October's previous month,
    September, has one request and keeps its recomputed level."""
    import duckdb

    from reports.context import ReportContext
    from reports.sections import availability

    con = duckdb.connect(str(published["db"]), read_only=True)
    try:
        september = ReportContext(month="2026-09", con=con, metrics=None, catalogue=None)
        august = availability.previous_month_coverage(september)
        assert availability._previous(september, august) == ("August 2026", {})
        assert availability._previous_coverage_note(september, august) == (
            " The landing holds no data for August 2026, so no previous service level is shown.")
        october = ReportContext(month=MONTH, con=con, metrics=None, catalogue=None)
        assert availability._previous(october, availability.previous_month_coverage(october))[1]
    finally:
        con.close()


def test_time_of_day_and_region_tables(published):
    page = published["page"]
    rdi = table_with(page, "availability", "Registration Data Interface – time of day")[0]
    assert rdi[0] == ["Monthly performance measure", "Hours of operational activity",
                      "Hours of operational inactivity", "M/I"]
    # E1 07:30-08:30 BST: 30 min inactive + 30 active; E2 19:45-20:15 BST: 15 active + 15 inactive.
    assert rdi[1] == ["Service availability", pct(ACTIVE_MIN - 45, ACTIVE_MIN), pct(INACTIVE_MIN - 45, INACTIVE_MIN),
                      "I"]  # 99.74%, 99.84%
    repository = table_with(page, "availability", "SMKI Repository Interface – time of day")[0]
    assert repository[1] == ["Service availability", "100.00%", pct(INACTIVE_MIN - 240, INACTIVE_MIN), "I"]
    regions = table_with(page, "availability", "by CSP region")
    assert len(regions) == 5
    assert all(t[0] == ["Monthly performance measure", "North", "Central", "South", "M/I"] for t in regions)
    # In seed order: DUI, RDI, SMKI Repository, SMKI Services, SSI. RDI North: 110 min.
    assert regions[1][1] == ["Service availability", pct(OCT_MIN - 110, OCT_MIN), "99.80%", "99.80%", "I"]
    # SSI North: C1, 22:00 UTC 31 Oct to the period end = 120 min.
    assert regions[4][1] == ["Service availability", pct(OCT_MIN - 120, OCT_MIN), "100.00%", "100.00%", "I"]


def test_reliability_beside_the_regions(published):
    tables = table_with(published["page"], "availability", "Reliability")
    assert len(tables) == 5
    rdi = {row[0]: row[1:] for row in tables[1]}
    assert rdi["Reliability"] == ["National", "North", "Central", "South", "M/I"]
    # National: 90 min in 2 runs -> 1.50 h, MTTR 0.75, MTBF (44,700 - 90) / 60 / 2 = 371.75.
    # North: 110 min in 3 runs -> 1.83 h, MTTR 0.61, MTBF (44,700 - 110) / 60 / 3 = 247.72.
    assert rdi["Unplanned downtime, planned over the cap included (h)"] == ["1.50", "1.83", "1.50", "1.50", "I"]
    assert rdi["Outages: spells of that unplanned downtime"] == ["2", "3", "2", "2", "I"]
    assert rdi["MTTR (h)"] == ["0.75", "0.61", "0.75", "0.75", "I"]
    assert rdi["MTBF (h)"] == ["371.75", "247.72", "371.75", "371.75", "I"]
    services = {row[0]: row[1:] for row in tables[3]}
    # SMKI Services: 6 h of Planned Maintenance excluded (the cap); 2 h unplanned in 2 runs.
    assert services["Planned maintenance within the cap, excluded (h)"] == ["6.00"] * 4 + ["I"]
    assert services["Unplanned downtime, planned over the cap included (h)"] == ["2.00"] * 4 + ["I"]
    assert services["… of which Planned Maintenance beyond the cap (h)"] == ["1.00"] * 4 + ["I"]  # D3's last hour
    assert services["MTBF (h)"] == ["368.50"] * 4 + ["I"]
    ssi = {row[0]: row[1:] for row in tables[4]}
    # No outage in the national view: MTTR and MTBF cannot be computed.
    assert ssi["MTTR (h)"] == ["–", "2.00", "–", "–", "I"]


def test_incidents_raised_by_category(published):
    rows = table_with(published["page"], "availability", "Incidents raised by category")[0]
    assert rows[0] == ["Incidents raised in the period", "Category 1", "Category 2", "Category 3", "Category 4",
                       "Category 5", "Categories 1–5", "M/I"]
    # tests/test_cpm5.py: c1a, c2a; category 3 raised in October c3a c3b c3d c3e (a CSP's) c3f c3g; c4b.
    assert rows[1] == ["Every Responsible Party", "1", "1", "6", "1", "0", "9", "I"]
    # without c3e: the DCC is not its Responsible Party
    assert rows[2] == ["Categories 3–5 with the DCC as Responsible Party (as CPM5)", "1", "1", "5", "1", "0", "8",
                       "I"]


def test_inferred_outages_beside_the_recorded_ones(published):
    page = published["page"]
    counts = table_with(page, "availability", "Inferred outages per segment")[0]
    assert counts == [["Inferred outages", "North", "Central", "South", "SMETS1", "All", "M/I"],
                      ["Spells starting in the period", "2", "0", "0", "0", "2", "I"]]
    spells = table_with(page, "availability", "Inferred spells")[0]
    assert spells[0] == ["Start (UK time)", "End (UK time)", "Segment", "Minutes", "Requests observed",
                         "Requests expected", "Recorded outage overlapping"]
    assert spells[1:] == [
        ["Tue 13 Oct 14:00 BST", "Tue 13 Oct 14:10 BST", "North", "10", "0", "12.00", "no"],
        ["Tue 13 Oct 14:00 BST", "Tue 13 Oct 14:10 BST", "All", "10", "0", "12.00", "no"],
        ["Wed 21 Oct 14:00 BST", "Wed 21 Oct 14:10 BST", "North", "10", "0", "12.00", "yes: N1"],
        ["Wed 21 Oct 14:00 BST", "Wed 21 Oct 14:10 BST", "All", "10", "0", "12.00", "no"],
    ]
    recorded = {row[0]: row[1:] for row in table_with(page, "availability", "Recorded outages")[0]}
    assert recorded["N1"] == ["rdi_gateway", "unplanned", "North", "Wed 21 Oct 13:55 BST",
                              "Wed 21 Oct 14:15 BST", "North"]
    # open-ended, and across the month boundary (B0 starts 30 Sep 23:00 BST)
    assert recorded["C1"] == ["ssi_portal", "unplanned", "North", "Sat 31 Oct 22:00 GMT", "open", "none"]
    assert recorded["B0"][3:5] == ["Wed 30 Sep 23:00 BST", "Thu 01 Oct 00:30 BST"]
    assert recorded["D1"][1] == "planned"
    assert "P1" not in recorded  # September only


def test_availability_says_the_business_processes_impacted_by_partial_availability_are_not_reported(published):
    # seed Requirement 3 asks for them; metrics.md v1 does not define them (decision log)
    availability = published["html"].split('<section id="availability">', 1)[1].split("\n</section>", 1)[0]
    intro = availability.split("<h3>", 1)[0]
    assert "Not reported: the business processes impacted by partial availability" in intro
    # the seed's cap, 360 min, in the words the catalogue's description uses for it
    assert "less Planned Maintenance up to 6 h a month" in intro


def test_daily_availability_charts(published):
    labels = published["page"].charts.get("availability", [])
    # one line graph per Service, national view plus the regions that differ
    assert len(labels) == 5
    assert all("availability per UK day" in label for label in labels)
    # and their figures in a table under each: Registration Data Interface, Thu 8 Oct: E1
    # 60 + E2 30 min of 1,440, in every view (national outages); Wed 21 Oct: N1 20 min in
    # the North only
    [table] = table_with(published["page"], "availability", "Registration Data Interface: availability per UK day")
    days = {row[0]: row[1:] for row in table}
    assert days["UK day"] == ["National", "North", "Central", "South"]
    assert days["Thu 08 Oct"] == [pct(1440 - 90, 1440)] * 4
    assert days["Wed 21 Oct"] == ["100.00%", pct(1440 - 20, 1440), "100.00%", "100.00%"]


def test_metrics_csv_has_the_r3_and_r5_figures(published):
    row = csv_rows(published, "availability.pct", service="dcc_user_interface", segment="All")
    assert len(row) == 1
    assert float(row[0]["value"]) == pytest.approx(100.0 * (OCT_MIN - 90) / OCT_MIN)
    assert (row[0]["kind"], row[0]["requirement"], row[0]["unit"], row[0]["target"], row[0]["minimum"]) == (
        "measure", "R3", "pct", "99.5", "98")
    north = csv_rows(published, "availability.pct", service="registration_data_interface", segment="North")
    assert float(north[0]["value"]) == pytest.approx(100.0 * (OCT_MIN - 110) / OCT_MIN)
    assert csv_rows(published, "availability.inferred_outages", segment="North")[0]["value"] == "2"
    closed = csv_rows(published, "cpm5.closed", category="3")
    assert [(r["value"], r["requirement"], r["kind"]) for r in closed] == [("4", "R5", "indicator")]
    resolution = csv_rows(published, "cpm5.pct_resolution_met", category="3")
    assert [(r["value"], r["target"], r["minimum"], r["kind"]) for r in resolution] == [("75", "90", "80", "measure")]
    assert csv_rows(published, "cpm5.raised", category="5")[0]["value"] == "0"


# --- Requirement 5 ---------------------------------------------------------------

def test_cpm5_table_by_category(published):
    rows = table_with(published["page"], "incidents", "CPM5 by incident category")[0]
    table = {row[0]: row[1:] for row in rows}
    assert table["Monthly performance"] == ["Category 3", "Category 4", "Category 5", "Target", "Minimum", "M/I"]
    assert table["Initial response target"] == ["1 Working Day", "1 Working Day", "2 Working Days", "", "", ""]
    assert table["Target resolution time"] == ["3 Working Days", "5 Working Days", "20 Working Days", "", "", ""]
    # tests/test_cpm5.py: category 3 closed c3a c3b c3c c3g, raised c3a c3b c3d c3f c3g;
    # category 4 closed c4a c4b, raised c4b; category 5 none.
    assert table["Incidents closed in the period"] == ["4", "2", "0", "", "", "I"]
    assert table["Incidents raised in the period (whether closed or not)"] == ["5", "1", "0", "", "", "I"]
    # response met: c3a c3g (2 of 4); c4a c4b (2 of 2)
    assert table["… of which responded to within the target response time"] == ["2", "2", "0", "", "", "I"]
    assert table["Initial response within the target response time"] == ["50.00%", "100.00%", "–", "", "", "I"]
    # resolution met: c3a c3c c3g (3 of 4); c4a (1 of 2). The measure, against 90 / 80.
    assert table["… of which resolved within the target resolution time"] == ["3", "1", "0", "", "", "I"]
    assert table["Resolution within the target resolution time"] == ["75.00%", "50.00%", "–", "90.00%", "80.00%",
                                                                      "M"]
    # category 3: 120.98333 + 96 + 48 + 120 = 384.98333 h / 4 = 96.25; median (96 + 120) / 2 = 108
    # category 4: 239.5 and 240 -> mean and median 239.75
    assert table["Mean resolution time (h)"] == ["96.25", "239.75", "–", "", "", "I"]
    assert table["Median resolution time (h)"] == ["108.00", "239.75", "–", "", "", "I"]
    # the figures over the closed incidents first, "of which" under the closed count, the raised count apart at
    # the end
    assert [row[0] for row in rows][3:] == [
        "Incidents closed in the period", "… of which responded to within the target response time",
        "… of which resolved within the target resolution time", "Initial response within the target response time",
        "Resolution within the target resolution time", "… against the service levels", "Mean resolution time (h)",
        "Median resolution time (h)", "Incidents raised in the period (whether closed or not)"]
    # 75% and 50% against 90 / 80: both below the minimum; category 5 closed none
    assert table["… against the service levels"] == ["minimum missed", "minimum missed", "", "", "", ""]


def test_each_closed_incident_is_listed_with_its_resolution_time(published):
    """The seed asks CPM5 "to show individual incident resolution times for each incident
    category". The incidents of tests/test_cpm5.py closed in October, by category and
    raised time, in UK local time; each category's rows and their "yes" are its closed,
    response_met and resolution_met counts above (4, 2, 3; 2, 2, 1)."""
    header, *rows = table_with(published["page"], "incidents", "Each incident closed in the period")[0]
    assert header == ["Incident", "Category", "Raised", "Resolved", "Closed", "Resolution time (h)",
                      "Initial response within target", "Resolution within target"]
    assert [row[0] for row in rows] == ["c3c", "c3b", "c3g", "c3a", "c4a", "c4b"]
    # c3c: raised 29 Sep 10:00 UTC, never responded, resolved 1 Oct 10:00 (48 h, in 3 Working Days), closed 2 Oct 09:00
    assert rows[0] == ["c3c", "3", "Tue 29 Sep 11:00 BST", "Thu 01 Oct 11:00 BST", "Fri 02 Oct 10:00 BST", "48.00",
                       "no", "yes"]
    # c4b: resolved Sun 25 Oct 10:00 UTC, after the clocks went back (GMT), 240 h, after its deadline of 22 Oct
    assert rows[5] == ["c4b", "4", "Thu 15 Oct 11:00 BST", "Sun 25 Oct 10:00 GMT", "Mon 26 Oct 10:00 GMT", "240.00",
                       "yes", "no"]
    for category, closed, response_met, resolution_met in (("3", 4, 2, 3), ("4", 2, 2, 1)):
        of_category = [row for row in rows if row[1] == category]
        assert len(of_category) == closed
        assert sum(row[6] == "yes" for row in of_category) == response_met
        assert sum(row[7] == "yes" for row in of_category) == resolution_met


# --- the page in a browser -------------------------------------------------------

@pytest.mark.browser
def test_page_renders_every_chart_without_console_errors(published, tmp_path):
    check = check_in_browser(published["link"] / "pmr.html", tmp_path / "pmr.png")
    assert check.console_errors == []
    assert check.charts >= 5  # the five daily availability charts, at least
    assert check.charts_rendered == check.charts
    assert check.charts_with_svg >= check.charts
    assert check.charts_described == check.charts  # Vega's "Vega visualization" does not replace them
    assert check.charts_explained_without_javascript == check.charts
    assert check.print_width_px <= A4_PRINT_WIDTH_PX  # nothing makes the printed report shrink
