"""The page as a reader of the Panel sees it: RTT ranges, target times, averages far
above the median, measures without a service level, install counts, the marks against
the service levels and the top-up shares, on the hand-made landing of
tests/rsvp_landing.py (the alerts: test_report_alerts.py; sections from a few
hand-made figures alone: test_report_hand_made_figures.py)."""

import json

import duckdb
import pytest

from tests.helpers import figures_table
from tests.page_tables import PageTables, process_html, rows_of, section_html
from tests.rsvp_landing import MONTH


@pytest.fixture(scope="module")
def published(rsvp_month):
    """October as tests/conftest.py's rsvp_month publishes it."""
    return rsvp_month


def test_rtt_range_reads_shortest_to_longest(published):
    # install_commission, South: RTTs 12.5 (L), 25 (M, from execution), 2 (N) -> 2 to 25 s
    html = process_html(published, "install_commission")
    row = html.split("<th scope=row>Range of RTT, shortest – longest (s)</th>", 1)[1].split("</tr>", 1)[0]
    assert "<td>2.00 – 25.00</td>" in row and "(" not in row
    # prepayment_top_up, North: RTTs 4 (A), 40 (C), 35 (E), 10 (G)
    assert "<td>4.00 – 40.00</td>" in process_html(published, "prepayment_top_up")


def _chart_specs(html: str) -> list[dict]:
    """The Vega-Lite specs of the charts embedded in a piece of the page."""
    return [json.loads(script.split(", ", 1)[1].rsplit(");</script>", 1)[0].replace("<\\/", "</"))
            for script in html.split("pmrEmbed(")[1:]]


def _chart_records(html: str) -> list[dict]:
    """Every data row of the charts embedded in a piece of the page."""
    return [row for spec in _chart_specs(html) for rows in spec.get("datasets", {}).values() for row in rows]


def test_the_daily_chart_plots_the_han_free_time_beside_the_rtt_and_the_share_within_target(published):
    """Seed section 2.3.1: the interim HAN-free time is plotted alongside the RTT."""
    records = _chart_records(process_html(published, "prepayment_top_up"))
    rows = [r for r in records if "day" in r and "segment" in r]  # not the bands of days without data
    # the share within the target is drawn against its levels (seeds/service_levels.csv)
    assert {r["level"] for r in records if "level" in r} == {"target 99.00%", "minimum 96.00%"}

    def on(day, **fields):
        return [r["value"] for r in rows if r["day"].startswith(day) and r["segment"] == "North"
                and all(r.get(k) == v for k, v in fields.items())]

    # 1 October, North: A's RTT 4 s; its DSP time 0.2 s + that day's North probe 3 s
    assert on("2026-10-01", rtt="including the HAN") == [4]
    assert on("2026-10-01", rtt="excluding the HAN (interim)") == [pytest.approx(3.2)]
    # 10 October, North: G within the TRT, H without a response -> 50%, beside the volume 2
    assert {r["value"] for r in rows if r["day"].startswith("2026-10-10") and r["segment"] == "North"
            and "rtt" not in r and "figure" not in r} == {50, 2}
    # seed 2.3.2 (speed as a mean and a median, payload): G's RTT 10 s is the median;
    # G (named by an N12) and H (no response) both failed -> 100%
    assert on("2026-10-10", figure="median RTT") == [10]
    assert on("2026-10-10", figure="failed") == [100]


IN_LIFE_TARGETS = ("Target Response Times differ between the SRVs of this process: 30 s for 1.1.1, 1.6, 2.1, 11.3; "
                   "432,000 s (5 days) for 11.1 (Update Firmware). On SMETS1 devices: 432,000 s (5 days) for 11.3 "
                   "(Activate Firmware). The share within the Target Response Time compares each request with the "
                   "target of its own SRV and device.")


def test_a_process_whose_srvs_have_different_target_times_says_so(published):
    # seeds: in_life_device_management lists 2.1, 1.6, 1.1.1, 11.3 (TRT 30 s; 432,000 s on SMETS1) and 11.1
    # (432,000 s)
    html = process_html(published, "in_life_device_management")
    assert IN_LIFE_TARGETS in html
    # the fixture has only L and M (1.1.1) there: average 18.75 = median, no word about the average
    assert "far above the median" not in html
    # every SRV of tariff_update (1.1.1) and install_commission has a 30 s target
    assert "Target Response Times differ" not in process_html(published, "tariff_update")
    assert "Target Response Times differ" not in process_html(published, "install_commission")


def test_an_average_far_above_the_median_is_explained(published):
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections.rsvp import _target_times_note

    breakdown = dict(day=None, segment="All", device_type=None, service=None, time_band=None, category=None)
    metrics = pd.DataFrame([dict(metric_id=m, business_process=p, value=v, **breakdown)
                            for m, p, v in (("rsvp.mean_rtt_s", "in_life_device_management", 12_771.0),
                                            ("rsvp.median_rtt_s", "in_life_device_management", 4.47))])
    con = duckdb.connect(str(published["db"]), read_only=True)
    try:
        note = _target_times_note(ReportContext(month=MONTH, con=con, metrics=metrics, catalogue=None),
                                  "in_life_device_management")
    finally:
        con.close()
    assert IN_LIFE_TARGETS in note
    assert "The average RTT (12,771.00 s, all segments) is far above the median (4.47 s)" in note


def test_a_measure_without_service_level_says_none_is_set(published):
    """Requirement 2 measures (B1, B2, PP1, DF1 ...) have no level in seeds/service_levels.csv:
    the Kind column says so, and a note under the table, instead of blank level cells."""
    outcomes = section_html(published, "outcomes")
    billing = outcomes.split("<h3>Billing (B1, B2)</h3>", 1)[1].split("<h3>", 1)[0]
    # the fixture has no 5.1 or 4.6.1 request: figures empty, yet the kind is known
    assert billing.count("<td>Measure, no service level set</td>") == 3
    assert "No service level set: the metric definitions v1 set no target or minimum" in billing
    prepayment = outcomes.split("<h3>Prepayment (PP1)</h3>", 1)[1].split("<h3>", 1)[0]
    assert "<th scope=row>Top-ups (2.2) successful (%, successful of deliverable top-ups)</th>" in prepayment
    assert prepayment.count("<td>Measure, no service level set</td>") == 3  # all types, ESME, GSME
    assert "<td>Indicator</td>" in prepayment and "Indicator, no service" not in prepayment
    # IC1's levels are stated above its table (the within-TRT levels as ceilings on the share missed)
    installs = outcomes.split("<h3>Install and Commission (IC1, IC2)</h3>", 1)[1].split("<h3>", 1)[0]
    assert "at most 1% missed (target), at most 4% (minimum)" in installs
    assert "no service level set" not in installs and "<td>Measure</td>" in installs
    # South, the only segment with I&C requests: L, M, N within the TRT, P never answered:
    # 25% missed of 4, above the 4% ceiling; All the same; no I&C request elsewhere: no share, nothing it is of
    missed = installs.split("<th scope=row>Requests of the I&amp;C SRVs that missed the Target Response Time (%, of the "
                            "deliverable requests)</th>", 1)[1]
    assert missed.split("</tr>", 1)[0] == "<td>–</td><td>–</td><td>25.00% (of 4)</td><td>–</td><td>25.00% (of 4)</td>" \
                                          "<td>Measure</td>"
    status_row = missed.split("</tr>", 2)[1]
    assert status_row.startswith("<tr><th scope=row>  … against the service levels</th>"), status_row
    # columns North, Central, South, SMETS1, All, then the (empty) Kind
    assert status_row == ("<tr><th scope=row>  … against the service levels</th><td></td><td></td><td>minimum missed</td>"
                          "<td></td><td>minimum missed</td><td></td>")


def test_measures_at_a_glance_judge_ic1_by_the_ceilings_its_table_uses(published):
    """The glance table and IC1's table give one verdict: ic.pct_trt_missed carries no level,
    both judge it by the within-TRT levels (99 / 96) as ceilings on the share missed."""
    page = PageTables()
    page.feed((published["link"] / "pmr.html").read_text())
    [row] = [row for row in rows_of(page, "measures")[1:] if row[1] == "IC1"]
    # All: 1 of the 4 deliverable I&C requests missed (above), 25% > 4%; its window is still open
    assert row[4:] == ["25.00%", "at most 1.00%", "at most 4.00%", "minimum missed (provisional)"]


def test_install_counts_say_what_they_count(published):
    installs = section_html(published, "outcomes").split("<h3>Install and Commission (IC1, IC2)</h3>", 1)[1]
    installs = installs.split("<h3>", 1)[0]

    def row(label):
        return installs.split(f"<th scope=row>{label}</th>", 1)[1].split("</tr>", 1)[0]

    # N (8.14.1, I99 only) succeeded and P (8.14.1, no response) failed, both South CHF: the
    # Install and Commission count holds both, the successful installs only N
    assert row("Successful installs: 8.14.1 and 8.1.1 requests that succeeded, all types").startswith(
        "<td>0</td><td>0</td><td>1</td>")
    assert row("  … CHF (8.14.1)").startswith("<td>0</td><td>0</td><td>1</td>")
    assert "<th scope=row>  … ESME (8.1.1)</th>" in installs and "<th scope=row>  … GSME (8.1.1)</th>" in installs
    failed = "Failed installs: deliverable (not rejected) 8.14.1 and 8.1.1 requests that did not succeed, all types"
    assert row(failed).startswith("<td>0</td><td>0</td><td>1</td>")
    assert row("Install and Commission: deliverable (not rejected) 8.14.1 requests, successful or not").startswith(
        "<td>0</td><td>0</td><td>2</td>")
    assert "<th scope=row>Install and Leave: deliverable (not rejected) 8.14.2 requests, successful or not</th>" in installs


def test_measures_at_a_glance_say_when_no_previous_report_is_published(published, tmp_path):
    """The page rendered without a report of September beside it (the published one has
    one: test_report shows its previous levels)."""
    from reports import render

    con = duckdb.connect(str(published["db"]), read_only=True)
    try:
        page = render.write_html(con, MONTH, tmp_path, [], None, previous_metrics=None).read_text()
    finally:
        con.close()
    glance = page.split('<section id="measures">', 1)[1].split("\n</section>", 1)[0]
    assert "<th scope=col>Previous month</th>" in glance
    assert "Previous month: no report for 2026-09 is published beside this one" in glance
    assert "Requirement 3's tables give availability's previous level recomputed from the landing." in glance


def test_daily_successful_and_failed_installs_are_charted_by_device_type_and_segment(published):
    """IC1 asks for daily volumes of successful and failed installs by CH/ESME/GSME and
    region: on 14 October South's hubs had N (I99 only, success) and P (no response, failed)."""
    rows = [r for r in _chart_records(section_html(published, "outcomes")) if "outcome" in r]
    on_the_14th = {(r["segment"], r["device_type"], r["outcome"]): r["value"] for r in rows
                   if r["day"].startswith("2026-10-14") and r["value"]}
    assert on_the_14th == {("South", "CHF", "Successful"): 1, ("South", "CHF", "Failed"): 1}
    assert {r["segment"] for r in rows} <= {"North", "Central", "South", "SMETS1"}
    assert {r["device_type"] for r in rows} == {"CHF", "ESME", "GSME"}
    # each panel draws the segment and type its title names (a facet once drew them one panel late)
    spec = next(s for s in _chart_specs(section_html(published, "outcomes"))
                if "by segment and device type" in json.dumps(s.get("title")))
    panels = [panel for row in spec["vconcat"] for panel in row["hconcat"]]
    assert len(panels) == 3 * len({r["segment"] for r in rows})
    for panel in panels:
        # a panel is its lines, or (the fixture has days without data) a grey band under them
        lines = panel if "data" in panel else panel["layer"][-1]
        drawn = {(r["segment"], r["device_type"]) for r in spec["datasets"].get(lines["data"]["name"], [])}
        assert drawn <= {tuple(panel["title"].split(": ")[0].split(", "))}, panel["title"]


def test_each_segments_share_is_marked_against_the_service_levels(published):
    """Target 99%, minimum 96% (seeds/service_levels.csv). Prepayment: North A, G within
    of A C E G H (40%), Central I (100%), South no request (no status), SMETS1 J (100%),
    All 4 of 7. A1: North 2 of 3, Central 1 of 1, SMETS1 0 of 1, All 3 of 5."""
    below, met = "<td>minimum missed</td>", "<td>target met</td>"
    against = "<th scope=row>  … against the service levels</th>"
    assert against + below + met + "<td></td>" + met + below + "</tr>" in process_html(published, "prepayment_top_up")
    assert against + below + met + below + below + "<td></td><td></td></tr>" in section_html(published, "alerts")


def test_top_up_shares_show_their_counts(published):
    prepayment = section_html(published, "outcomes").split("<h3>Prepayment (PP1)</h3>", 1)[1].split("<h3>", 1)[0]
    row = prepayment.split("<th scope=row>Top-ups (2.2) successful (%, successful of deliverable top-ups)</th>", 1)[1]
    row = row.split("</tr>", 1)[0]
    # North: A C succeeded, E G H failed (F rejected): 2 of 5; Central I 1 of 1; South none;
    # SMETS1 J 1 of 1; All 4 of 7
    assert row.startswith("<td>40.00% (2 of 5)</td><td>100.00% (1 of 1)</td><td>–</td><td>100.00% (1 of 1)</td>"
                          "<td>57.14% (4 of 7)</td>")
    # the device-type rows with their population, pp.requests: North ESME A C E G H
    assert "<th scope=row>  … ESME (%)</th><td>40.00% (of 5)</td>" in prepayment


def test_an_i0_among_the_change_of_supplier_failures_is_explained(published):
    """A 6.23 answered I0 fails when an N12/N13 alert names it (docs/metrics/requirement-2.md):
    the failure table's I0 row would read as a contradiction without a word."""
    from pmr.metric_tables import CATALOGUE
    from reports.context import ReportContext
    from reports.sections import outcomes

    con = duckdb.connect(str(published["db"]), read_only=True)
    try:
        catalogue = con.execute(f"select * from {CATALOGUE}").df()

        def rendered(*failures: tuple[str, float]) -> str:
            metrics = figures_table(dict(metric_id="cos.pct_success", segment="All", value=90.0, target=99.0, minimum=96.0),
                               *[dict(metric_id="cos.failures", category=c, value=v) for c, v in failures])
            return outcomes._change_of_supplier(ReportContext(month=MONTH, con=con, metrics=metrics, catalogue=catalogue))

        with_i0, without = rendered(("E21", 3.0), ("I0", 1.0)), rendered(("E21", 3.0))
    finally:
        con.close()
    explanation = "those requests failed because a DCC failure alert (N12 or N13) named them"
    # each code with its meaning from seeds/response_codes.csv
    assert "<tr><th scope=row>I0</th><td>Service Response: delivered</td><td>1</td></tr>" in with_i0 and explanation in with_i0
    assert ("<tr><th scope=row>E21</th><td>No response received from the device</td><td>3</td></tr>" in without
            and explanation not in without)


def test_change_of_supplier_by_segment_and_device_type_reads_as_indicators(published):
    """The seed's CoS1 marks "the measure above by device type and region" I: the Kind
    column follows each row's figures, not the metric id's kind."""
    from pmr.metric_tables import CATALOGUE
    from reports.context import ReportContext
    from reports.sections import outcomes

    con = duckdb.connect(str(published["db"]), read_only=True)
    try:
        catalogue = con.execute(f"select * from {CATALOGUE}").df()
        metrics = figures_table(dict(metric_id="cos.pct_success", segment="All", value=90.0, kind="measure"),
                           dict(metric_id="cos.pct_success", segment="South", value=80.0, kind="indicator"),
                           dict(metric_id="cos.pct_success", segment="All", device_type="ESME", value=85.0,
                                kind="indicator"),
                           dict(metric_id="cos.pct_success", segment="South", device_type="ESME", value=75.0,
                                kind="indicator"))
        html = outcomes._change_of_supplier(ReportContext(month=MONTH, con=con, metrics=metrics, catalogue=catalogue))
    finally:
        con.close()
    assert ("<td>80.00%</td><td>90.00%</td><td>Measure for All segments, no service level set; indicator by "
            "segment</td></tr>") in html
    assert "<th scope=row>  … ESME (%)</th><td>75.00%</td><td>85.00%</td><td>Indicator</td></tr>" in html
    assert "No service level set: the metric definitions v1 set no target or minimum" in html


def test_a_row_mixing_kinds_otherwise_than_by_segment_does_not_claim_all_segments_is_the_measure(published):
    from pmr.metric_tables import CATALOGUE
    from reports.context import ReportContext
    from reports.sections.outcome_tables import segment_table

    con = duckdb.connect(str(published["db"]), read_only=True)
    try:
        catalogue = con.execute(f"select * from {CATALOGUE}").df()
        # All holds the measure (no device type) and an indicator (ESME): a row not split by device type
        metrics = figures_table(dict(metric_id="cos.pct_success", segment="All", value=90.0, kind="measure"),
                           dict(metric_id="cos.pct_success", segment="All", device_type="ESME", value=85.0,
                                kind="indicator"))
        html = segment_table(ReportContext(month=MONTH, con=con, metrics=metrics, catalogue=catalogue),
                             [("Change of Supplier (%)", "cos.pct_success", {})], "caption")
    finally:
        con.close()
    assert "<td>Measure and indicator rows (the kind of each is in metrics.csv)</td>" in html


def test_the_header_names_the_reference_values_still_unverified(published):
    """metrics.md marks its service levels, incident targets and Target Response Times
    unverified (seeds' source column): the page says so beside the verdicts' levels."""
    import csv

    from pmr import PROJECT_DIR

    def unverified(seed):
        with open(PROJECT_DIR / "seeds" / f"{seed}.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return f"{sum('unverified' in r['source'] for r in rows)} of {len(rows)}"

    header = (published["link"] / "pmr.html").read_text().split("</header>", 1)[0]
    assert "<dt>Unconfirmed reference values</dt>" in header
    for label, seed in (("service levels (targets and minimums)", "service_levels"),
                        ("incident targets", "incident_targets"),
                        ("SRV catalogue (Target Response Times)", "srv_catalogue")):
        assert f"{label} {unverified(seed)}" in header
    assert "business processes" not in header  # a table with no unverified row is not named


def test_requests_without_dsp_time_are_named_under_the_table(published):
    # 2.2 with a final response: A, C, E, G (North), I (Central); E and I have no DSP time; none in the South
    note = ("Requests with a final response but no DSP processing time in the extract: North 1 of 4 (25.00%); "
            "Central 1 of 1 (100.00%) (marts.pmr_rsvp: without_dsp_time of rtt_measured)")
    assert note in process_html(published, "prepayment_top_up")
    # alerts carry no DSP time and have no interim time: no note
    assert "DSP processing time" not in process_html(published, "alerts_management")


def test_the_reference_values_are_given_in_words(published):
    # seeds/parameters.csv: 60 s, 432,000 s = 5 days, 360 min = 6 h, 1 pct, -0.25 ratio, 500 count
    terms = section_html(published, "terms")
    values = terms.split("Parameters the figures were computed with: windows, caps and thresholds "
                         "(seeds/parameters.csv)", 1)[1]
    for parameter, words in (("alert_trt_s", "60 s"), ("fw_delivery_window_s", "5 days"),
                             ("planned_maintenance_cap_min", "6 h"), ("quarantine_max_pct", "1%"),
                             ("ic_deviation_alert_ratio", "-0.25"), ("ic_deviation_min_predicted", "500"),
                             ("billing_read_window_s", "24 h"), ("cos_correction_window_s", "7 days")):
        assert f"<tr><th scope=row>{parameter}</th><td>{words}</td>" in values, parameter
