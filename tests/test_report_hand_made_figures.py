"""Sections of the page rendered from a few hand-made figures, without a built month:
each catalogued metric id drawn by one section or by "Other figures", a new metric's
table and daily chart under "Other figures", the windows the parameters set in the
labels, and a SMETS1 target time alone. The page of a built month:
test_report_presentation.py."""

import duckdb

from pmr import PROJECT_DIR
from reports.sections import all_sections
from tests.helpers import figures_table
from tests.rsvp_landing import MONTH


def test_other_figures_show_a_measures_service_levels():
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections import other_metrics

    metrics = figures_table(
        dict(metric_id="zz.pct", requirement="R1", kind="measure", unit="pct", segment="All", value=97.0,
             target=99.0, minimum=96.0),
        dict(metric_id="zz.pct", requirement="R1", kind="indicator", unit="pct", segment="North", value=95.0))
    catalogue = pd.DataFrame([dict(metric_id="zz.pct", title="A new share")])
    html = other_metrics.render(ReportContext(month=MONTH, con=None, metrics=metrics, catalogue=catalogue), None)
    assert "<caption>A new share — zz.pct (R1, indicator, measure)</caption>" in html
    assert "<th scope=col>segment</th><th scope=col>value (pct)</th><th scope=col>target</th><th scope=col>minimum</th><th scope=col>status</th>" in html
    assert "<tr><th scope=row>North</th><td>95.00%</td><td>–</td><td>–</td><td></td></tr>" in html
    assert "<tr><th scope=row>All</th><td>97.00%</td><td>99.00%</td><td>96.00%</td><td>target missed (minimum met)</td></tr>" in html


def test_other_figures_draw_a_daily_figure_by_segment_and_fold_other_daily_tables():
    import pandas as pd

    from reports.charts import ChartEmbedder
    from reports.context import ReportContext
    from reports.sections import other_metrics

    day = [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-02")]
    metrics = figures_table(
        dict(metric_id="zz.count", requirement="A1", kind="indicator", unit="count", segment="All", value=30.0),
        *(dict(metric_id="zz.count", requirement="A1", kind="indicator", unit="count", segment=segment, day=d,
               value=value) for segment, d, value in (("North", day[0], 4.0), ("North", day[1], 6.0),
                                                      ("All", day[0], 11.0), ("All", day[1], 19.0))),
        *(dict(metric_id="zz.codes", requirement="A1", kind="indicator", unit="count", category=code, day=d, value=v)
          for code, d, v in (("AD1", day[0], 2.0), ("8F35", day[0], 5.0))))
    catalogue = pd.DataFrame([dict(metric_id="zz.count", title="AD1 alerts"), dict(metric_id="zz.codes", title="Codes")])
    html = other_metrics.render(ReportContext(month=MONTH, con=None, metrics=metrics, catalogue=catalogue),
                                ChartEmbedder())
    count = html[html.index("AD1 alerts — zz.count"):]
    # the monthly figure stays a table; the daily ones are a chart with their table folded under it
    assert "<tr><th scope=row>All</th><td>30</td></tr>" in count
    assert 'aria-label="AD1 alerts — zz.count (A1, indicator): a line per segment' in count
    figures = count[count.index("<details"):count.index("</details>")]
    assert ("<summary>Table of the chart's figures: AD1 alerts — zz.count (A1, indicator), daily</summary>"
            in figures)
    assert ["".join(row.split("</tr>")[0]) for row in figures.split("<tr>")[2:]] == [
        "<th scope=row>Thu 01 Oct</th><th scope=row>North</th><td>4</td>",
        "<th scope=row>Thu 01 Oct</th><th scope=row>All</th><td>11</td>",
        "<th scope=row>Fri 02 Oct</th><th scope=row>North</th><td>6</td>",
        "<th scope=row>Fri 02 Oct</th><th scope=row>All</th><td>19</td>"]
    # broken down by more than the segment: no line to draw, a folded table
    codes = html[:html.index("AD1 alerts — zz.count")]
    assert html.count("<figure") == 1 and "<summary>Daily figures: Codes — zz.codes (A1, indicator)</summary>" in codes
    assert "<tr><th scope=row>2026-10-01</th><td>8F35</td><td>5</td></tr>" in codes
    # a daily measure keeps its levels and status: a table, not a chart
    levels = figures_table(dict(metric_id="zz.pct", requirement="R1", kind="measure", unit="pct", segment="All", day=day[0],
                           value=97.0, target=99.0, minimum=96.0))
    measure = other_metrics.render(ReportContext(month=MONTH, con=None, metrics=levels, catalogue=catalogue),
                                   ChartEmbedder())
    assert "<figure" not in measure and "<summary>Daily figures: zz.pct — zz.pct (R1, measure)</summary>" in measure
    assert "<td>97.00%</td><td>99.00%</td><td>96.00%</td><td>target missed (minimum met)</td>" in measure


def test_the_page_says_the_windows_the_parameters_set():
    """The windows are configuration (metrics.md §2): set other ones in the parameters
    reference table, and the labels follow what the figures were computed with."""
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections import alerts, outcomes

    con = duckdb.connect()
    con.execute("create schema reference")
    con.execute("create table reference.parameters as select * from (values ('alert_trt_s', 90.0), "
                "('cos_correction_window_s', 259200.0), ('billing_read_window_s', 43200.0)) t(parameter, value)")
    con.execute("create table reference.alert_codes (alert_code varchar, meaning varchar)")
    con.execute("create schema marts; create table marts.fct_alerts (alert_code varchar, alert_kind varchar)")
    metrics = figures_table(dict(metric_id="alerts.pct_within_sla", segment="All", value=50.0, target=99.0, minimum=96.0,
                            unit="pct"),
                       dict(metric_id="alerts.late", category="8FFF", value=1.0, unit="count"),
                       dict(metric_id="cos.pct_success", segment="All", value=80.0, unit="pct"),
                       dict(metric_id="billing.pct_read_within_24h", value=97.0, unit="pct"))
    catalogue = pd.DataFrame({"metric_id": ["cos.pct_success", "billing.pct_read_within_24h", "alerts.pct_within_sla"],
                              "kind": ["measure", "measure", "measure"], "unit": ["pct", "pct", "pct"],
                              "title": ["CoS", "Scheduled reads answered within 12 h",
                                        "Alerts delivered within 90 s"]})
    ctx = ReportContext(month=MONTH, con=con, metrics=metrics, catalogue=catalogue)
    page = alerts.render(ctx, None) + outcomes._change_of_supplier(ctx) + outcomes._billing(ctx)
    assert "<th scope=row>Alerts delivered within 90 s</th>" in page and "Alerts not delivered within 90 s" in page
    assert "6.23 successful, or corrected within 3 days (%, of the deliverable 6.23 requests)" in page and "follows within 3 days of" in page
    assert "Scheduled reads (4.6.1) answered within 12 h of execution" in page
    assert "60 s" not in page and "24 h" not in page and "7 days" not in page


def test_a_smets1_target_alone_does_not_say_the_srvs_targets_differ():
    """A process whose SRVs all have 30 s, one of them 5 days on SMETS1 devices."""
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections.rsvp import _target_times_note

    con = duckdb.connect()
    con.execute("create schema reference")
    con.execute("create table reference.business_process_srvs as select * from (values ('p', '1.1.1'), ('p', '11.3')) "
                "t(business_process, srv)")
    con.execute("create table reference.srv_catalogue as select * from (values ('1.1.1', 'Update Import Tariff', 30, "
                "null), ('11.3', 'Activate Firmware', 30, 432000)) t(srv, name, trt_s, smets1_trt_s)")
    note = _target_times_note(ReportContext(month=MONTH, con=con, metrics=pd.DataFrame(
        columns=["metric_id", "business_process", "segment", "day", "device_type", "service", "time_band",
                 "category", "value"]), catalogue=None), "p")
    assert note == ('<p class="note">The Target Response Time of this process&#x27;s SRVs is 30 s for 1.1.1, 11.3. On '
                    'SMETS1 devices: 432,000 s (5 days) for 11.3 (Activate Firmware). The share within the Target '
                    'Response Time compares each request with the target of its own SRV and device.</p>')


def test_each_catalogued_id_has_at_most_one_section_and_the_others_go_to_other_figures():
    """A metric id declared in a metric YAML is drawn by at most one report section
    (the one whose ids(...) names it); every id no section claims is shown by "Other
    figures", so a new metric reaches the page with no Python change
    (docs/adding-a-metric.md)."""
    import pandas as pd

    from pmr.metric_declarations import CATALOGUE_COLUMNS, catalogue_rows, check_declarations
    from pmr.metric_parameters import seed_parameters
    from reports.context import ReportContext
    from reports.sections import other_metrics

    # the catalogue as pmr run writes it: titles with their windows written out
    catalogue = pd.DataFrame(catalogue_rows(check_declarations(PROJECT_DIR), seed_parameters(PROJECT_DIR)),
                             columns=list(CATALOGUE_COLUMNS))
    # a metric added in SQL only, in an existing family, has no layout: the generic table shows it
    new = {"metric_id": "rsvp.transforms", "requirement": "R1", "kind": "indicator", "unit": "count",
           "title": "Transforms"}
    catalogue = pd.concat([catalogue, pd.DataFrame([new])], ignore_index=True)

    def section_file(section) -> str:
        return section.render.__module__.replace(".", "/") + ".py"

    sections = [s for s in all_sections() if s.key != "other"]
    owners = {m: [section_file(s) for s in sections if s.claims(m)] for m in catalogue["metric_id"]}
    twice = {m: files for m, files in owners.items() if len(files) > 1}
    assert not twice, "metric ids claimed by more than one report section; keep each in the ids(...) of one SECTION only: " \
        + "; ".join(f"{m} in {', '.join(files)}" for m, files in sorted(twice.items()))
    assert not owners["rsvp.transforms"], f"ids(...) of {owners['rsvp.transforms']} claims by family, not by name"

    # one figure of every catalogued id: "Other figures" shows exactly the unclaimed ones
    metrics = catalogue[["metric_id", "requirement", "kind", "unit"]].assign(
        value=1.0, target=None, minimum=None,
        **{c: None for c in ("day", "business_process", "segment", "device_type", "service", "time_band", "category")})
    ctx = ReportContext(month=MONTH, con=None, metrics=metrics, catalogue=catalogue)
    html = other_metrics.SECTION.render(ctx, None)
    shown = {m for m in owners if f"— {m} (" in html}
    missing = sorted(m for m, files in owners.items() if not files and m not in shown)
    assert not missing, f"metric ids claimed by no section yet missing from \"Other figures\" " \
        f"(reports/sections/other_metrics.py, unclaimed()): {missing}"
    doubled = sorted(m for m, files in owners.items() if files and m in shown)
    assert not doubled, f"metric ids shown both by their section and in \"Other figures\": {doubled}"
