"""Pieces of the report on hand-made inputs, without a build: the measures table
without service levels, the incomplete-month and provisional-figures notices and the
metric status behind them, and metrics.csv's plain decimals (the daily line charts:
test_chart_lines.py). The report of a built month: test_report.py and
test_report_presentation.py."""

import duckdb
import pytest

from pmr.landing_reach import write_metric_status
from reports import render
from tests.page_tables import PageTables
from tests.rsvp_landing import MONTH


def test_a_table_of_measures_without_service_levels_has_no_level_columns():
    """Billing-like measures with no service level in the seed: no Target / Minimum
    columns of dashes; with one level set, both columns appear."""
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections.outcome_tables import single_table

    def ctx(target):
        figures = (("b.one", 97.0, "pct"), ("b.two", 88.0, "pct"), ("b.ones", 1200.0, "count"),
                   ("b.twos", 25.0, "count"))
        metrics = pd.DataFrame([dict(metric_id=m, value=v, target=target if m == "b.one" else None,
                                     minimum=96.0 if target and m == "b.one" else None,
                                     day=None, business_process=None, segment=None, device_type=None,
                                     service=None, time_band=None, category=None)
                                for m, v, _ in figures])
        catalogue = pd.DataFrame([dict(metric_id=m, kind="measure" if unit == "pct" else "indicator", unit=unit)
                                  for m, _, unit in figures])
        return ReportContext(month=MONTH, con=None, metrics=metrics, catalogue=catalogue)

    rows = [("One", "b.one", "b.ones"), ("Two", "b.two", "b.twos")]
    assert "<th scope=col>Target</th>" not in single_table(ctx(None), rows, "no levels")
    one_level = single_table(ctx(99.0), rows, "one level")
    assert "<th scope=col>Target</th><th scope=col>Minimum</th>" in one_level
    # the row without a level says so; the one with a level is a plain measure; each share
    # shows the count it is of
    assert "<th scope=row>One</th><td>97.00%</td><td>1,200</td><td>Measure</td><td>99.00%</td><td>96.00%</td>" in one_level
    assert "<th scope=row>Two</th><td>88.00%</td><td>25</td><td>Measure, no service level set</td><td>–</td><td>–</td>" \
        in one_level


def test_the_incomplete_notice_only_when_days_are_missing():
    from pmr.gate import DAYS_CHECK, CheckResult
    from reports.render import incomplete_notice

    missing = CheckResult(DAYS_CHECK, "gx", False, False,
                          "sources have ...: 1 of 3 fail: alerts (days_missing=1, missing_days=2026-10-31)")
    assert incomplete_notice([missing]).endswith(
        "the figures cover the other days only: alerts (days_missing=1, missing_days=2026-10-31). Availability "
        "(Requirement 3) still counts those days: a minute without a recorded outage counts as up.</p>")
    assert incomplete_notice([CheckResult(DAYS_CHECK, "gx", True, True, "all days")]) == ""
    assert incomplete_notice([]) == ""


def test_days_whose_data_stops_early_are_named_at_the_top():
    from pmr.gate import DAY_ENDS_CHECK, CheckResult
    from reports.render import incomplete_notice

    cut = CheckResult(DAY_ENDS_CHECK, "gx", False, False, "sources have rows ...: 1 of 3 fail: service_requests "
                      "(days_cut_short=1, cut_short=2026-10-15 (none from 14:00 BST))")
    notice = incomplete_notice([cut])
    assert notice.startswith('<p class="incomplete"><strong>Days whose data stops early or starts late.</strong>')
    assert "(times UK local): service_requests (days_cut_short=1, cut_short=2026-10-15 (none from 14:00 BST))." \
        in notice
    assert incomplete_notice([CheckResult(DAY_ENDS_CHECK, "gx", True, False, "all pass")]) == ""


def test_sources_without_data_for_the_month_are_named_at_the_top_with_the_figures_that_read_them():
    from tests.gate_warehouse import MONTH, make_warehouse
    from reports.render import undelivered_notice

    def notice(tmp, **other_sources):
        path = make_warehouse(tmp / f"w{len(list(tmp.iterdir()))}.duckdb", other_sources=other_sources)
        with duckdb.connect(str(path)) as con:
            con.execute("create or replace table metrics.metric_catalogue "
                        "(metric_id varchar, requirement varchar, sources varchar)")
            con.executemany("insert into metrics.metric_catalogue values (?, ?, ?)",
                            [("cpm5.raised", "R5", "incidents"), ("reliability.mtbf_h", "R3", "outages, incidents"),
                             ("rsvp.volume", "R1", "service_requests, service_responses")])
            return undelivered_notice(con, MONTH)

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        # incidents only from November, no hub firmware event: neither has a row of October
        html = notice(tmp, incidents=[("2026-11-02T09:00:00",)], ch_firmware_events=[])
        assert html.startswith('<div class="incomplete"><p><strong>Sources without data for the month.</strong>')
        assert html.endswith("<ul><li><code>incidents/</code>: cpm5.raised, reliability.mtbf_h (R3, R5)</li>"
                              "<li><code>ch_firmware_events/</code>: no figure reads it</li></ul></div>")
        assert notice(tmp) == ""


def _follow_up_warehouse(days_after_the_month, windows):
    """Staged requests, responses and alerts at noon UTC on the given days of November
    2026 (per source), and a catalogue of follow-up windows."""
    con = duckdb.connect()
    con.execute("create schema staging; create schema metrics")
    for table, column in (("stg_service_requests", "received_at"), ("stg_service_responses", "response_at"),
                          ("stg_alerts", "received_at")):
        con.execute(f"create table staging.{table} ({column} timestamp)")
        for day in days_after_the_month[table]:
            con.execute(f"insert into staging.{table} values (?)", [f"2026-11-{day:02d} 12:00:00"])
    con.execute("create table metrics.metric_catalogue (metric_id varchar, follow_up_s double, "
                "requests_received_to_s double)")
    con.executemany("insert into metrics.metric_catalogue values (?, ?, null)", list(windows.items()))
    write_metric_status(con, MONTH)  # as the collect step does, beside the catalogue
    return con


def test_figures_whose_follow_up_has_not_landed_are_provisional_at_the_top():
    """October 2026 ends at 2026-11-01 00:00 UTC. Requests land on 1-3 November, responses
    on 1-2, alerts on 1-4: the landing holds every day up to the end of 2 November (3 Nov
    00:00 UTC). One day after the month (2 November) has landed; seven days have not.
    Times are UK local (GMT in November)."""
    con = _follow_up_warehouse(
        {"stg_service_requests": (1, 2, 3), "stg_service_responses": (1, 2), "stg_alerts": (1, 2, 3, 4)},
        {"a.one_day": 86400.0, "b.week": 604800.0, "c.week": 604800.0, "d.none": None})
    notice = render.provisional_notice(con)
    assert "the days after the month have landed, each with requests, responses and alerts, up to " \
           "Tue 03 Nov 2026 00:00 GMT" in notice
    assert ("<ul><li>b.week, c.week: final once every day to Sun 08 Nov 2026 00:00 GMT has landed (7 days after the "
            "month)</li></ul>") in notice
    assert "a.one_day" not in notice and "d.none" not in notice


def test_the_notice_says_when_a_future_dated_request_holds_figures_back():
    """metric_status as pmr.landing_reach writes it when an October request executes on
    20 November 10:00 UTC: its final response may come 5 days later."""
    con = duckdb.connect()
    con.execute("create schema metrics")
    con.execute("""create table metrics.metric_status as select * from (values
        ('rsvp.pct_failed', '2026-10', 432000.0, timestamp '2026-11-25 10:00', timestamp '2026-11-12 00:00', true,
         timestamp '2026-11-20 10:00'),
        ('alerts.late', '2026-10', 60.0, timestamp '2026-11-01 00:01', timestamp '2026-11-12 00:00', false, null))
        as t(metric_id, period, follow_up_s, needed_through_utc, landed_through_utc, is_provisional,
             latest_clock_start_utc)""")
    notice = render.provisional_notice(con)
    assert ("<ul><li>rsvp.pct_failed: final once every day to Wed 25 Nov 2026 10:00 GMT has landed (an unanswered "
            "Future-Dated request is executed at Fri 20 Nov 2026 10:00 GMT, and its final response may come up to 5 days "
            "later)</li></ul>") in notice
    assert "alerts.late" not in notice


def test_with_no_day_after_the_month_the_notice_claims_none():
    """Nothing of November has landed: the notice said the landing held every day up to
    the month's end, which a month published with its last days missing does not."""
    con = _follow_up_warehouse(
        {"stg_service_requests": (), "stg_service_responses": (), "stg_alerts": ()}, {"b.week": 604800.0})
    notice = render.provisional_notice(con)
    assert "no day after the month has landed yet" in notice and "up to" not in notice.split("<ul>")[0]


def test_a_day_that_has_not_ended_has_not_landed():
    """Rows on 1-4 November, read at 15:00 UTC on 2 November: 1 November has ended, 2
    November is still running, so the landing reaches 2 November 00:00 UTC whatever rows
    the 2nd to 4th hold (before, rows dated ahead of the clock made figures final)."""
    import datetime as dt

    from pmr.landing_reach import landed_through

    days = (1, 2, 3, 4)
    con = _follow_up_warehouse({"stg_service_requests": days, "stg_service_responses": days, "stg_alerts": days},
                               {"b.week": 604800.0})
    at = dt.datetime(2026, 11, 2, 15, tzinfo=dt.timezone.utc)
    assert landed_through(con, MONTH, now=at) == dt.datetime(2026, 11, 2, 0, 0)
    assert landed_through(con, MONTH, now=dt.datetime(2026, 11, 5, tzinfo=dt.timezone.utc)) == \
        dt.datetime(2026, 11, 5, 0, 0)


def test_the_warehouse_says_which_figures_are_provisional():
    """The landing of the test above: it reaches 3 November 00:00 UTC. a.one_day needs
    2 November 00:00 (final), the weeks 8 November 00:00 (provisional), d.none nothing."""
    con = _follow_up_warehouse(
        {"stg_service_requests": (1, 2, 3), "stg_service_responses": (1, 2), "stg_alerts": (1, 2, 3, 4)},
        {"a.one_day": 86400.0, "b.week": 604800.0, "c.week": 604800.0, "d.none": None})
    assert con.execute("select metric_id, cast(needed_through_utc as varchar), cast(landed_through_utc as varchar), "
                       "is_provisional from metrics.metric_status order by metric_id").fetchall() == [
        ("a.one_day", "2026-11-02 00:00:00", "2026-11-03 00:00:00", False),
        ("b.week", "2026-11-08 00:00:00", "2026-11-03 00:00:00", True),
        ("c.week", "2026-11-08 00:00:00", "2026-11-03 00:00:00", True),
        ("d.none", None, "2026-11-03 00:00:00", False)]


def test_no_provisional_notice_once_every_follow_up_has_landed():
    week = tuple(range(1, 8))  # 1-7 November: up to 8 Nov 00:00 UTC
    con = _follow_up_warehouse(
        {"stg_service_requests": week, "stg_service_responses": week, "stg_alerts": week},
        {"b.week": 604800.0, "d.none": None})
    assert render.provisional_notice(con) == ""


@pytest.mark.parametrize(("value", "text"), [
    (5.6e-05, "0.000056"), (0.1, "0.1"), (98.31460674157303, "98.31460674157303"), (12.0, "12"),
    (1e16 + 2, "10000000000000002"), (-2.5e-07, "-0.00000025"),
])
def test_metrics_csv_values_are_plain_decimals_that_read_back_exactly(value, text):
    assert render._csv_value(value) == text
    assert float(text) == value


@pytest.mark.parametrize(("failed", "said"), [
    ((), "."),
    (("period: every source has data in the month",), ". As published, some of its sources had no data for the "
                                                       "month."),
    (("period: data after the month has landed", "period: every day has data"),
     ". As published, its figures were provisional and it was published with days without data."),
])
def test_the_previous_months_caveats_are_those_its_run_log_failed(failed, said):
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections.measures import _previous_note

    log = {"checks": [{"name": name, "passed": False} for name in failed] + [{"name": "metrics: kind", "passed": True}]}
    ctx = ReportContext(month=MONTH, con=None, metrics=None, catalogue=None, previous=pd.DataFrame(), previous_log=log)
    assert _previous_note(ctx).endswith(f"(its metrics.csv); – where it has no such figure. A later publication of "
                                        f"2026-09 does not change them until this report is published again{said}</p>")


@pytest.mark.parametrize("timeliness", [{"published_at": "2026-10-14T09:30:00+00:00"},
                                        {"published_at": "04/12/2026 22:34"}, {"published_at": 1760000000},
                                        "2026-10-05", None])
def test_the_previous_note_gives_the_time_the_previous_report_was_published_when_its_log_can_say(timeliness):
    """A time edited by hand in the previous month's run log raised a ValueError, and the
    month was not published: the note leaves the time out instead."""
    import pandas as pd

    from reports.context import ReportContext
    from reports.sections.measures import _previous_note

    ctx = ReportContext(month=MONTH, con=None, metrics=None, catalogue=None, previous=pd.DataFrame(),
                        previous_log={"timeliness": timeliness, "checks": []})
    when = " on 2026-10-14 10:30 BST" if timeliness == {"published_at": "2026-10-14T09:30:00+00:00"} else ""
    assert f"the figures of the report published for 2026-09{when} beside this one" in _previous_note(ctx)


def test_recorded_outages_find_their_spells_whatever_their_ids_hold():
    """Each recorded outage names the segments of the spells it overlaps, read as pairs
    (marts.pmr_inferred_outage_overlaps). Read out of the spells' ids joined by ", ", an
    id holding a comma or a leading space was lost (its row said 'none' beside a spell
    table that named it), and "A" was found in "A, B"."""
    import datetime as dt
    from types import SimpleNamespace

    import pandas as pd

    from reports.sections.availability import _recorded_outages

    ids = ["OUT,1", " OUT-2", "A, B", "A", "OUT-4"]
    outages = pd.DataFrame({"outage_id": ids, "component": ["DSP"] * 5, "planned": [False] * 5,
                            "csp_region": [None] * 5, "started_at": [dt.datetime(2026, 10, 2, 10)] * 5,
                            "ended_at": [dt.datetime(2026, 10, 2, 11)] * 5})
    pairs = pd.DataFrame({"outage_id": ["OUT,1", " OUT-2", "A, B", "A", "A"],
                          "segment": ["South", "South", "North", "All", "Central"]})
    ctx = SimpleNamespace(month="2026-10",
                          query=lambda sql, params: pairs if "pmr_inferred_outage_overlaps" in sql else outages)
    page = PageTables()
    page.feed(f'<section id="availability">{_recorded_outages(ctx)}</section>')
    [outage_table] = page.tables["availability"]
    found = {row[0]: row[-1] for row in outage_table["rows"][1:]}
    assert found == {"OUT,1": "South", "OUT-2": "South", "A, B": "North", "A": "Central, All",  # cells read stripped
                     "OUT-4": "none"}


def test_the_terms_give_the_seeds_own_definitions_of_measure_and_indicator():
    """The report classes every figure M or I: its terms quote MP122's Table 1 ("Measure:
    Is something that the DCC is responsible for providing a level of service for, and
    against which targets for DCC performance can be set"; "Indicator: Is something the
    DCC is not accountable for but that provides a KPI that may be of value or use to the
    industry but cannot have a target attributed to it"), and the page lists every term."""
    from reports.sections.terms import TERMS, render

    meanings = dict(TERMS)
    assert meanings["Measure"].startswith("Something that the DCC is responsible for providing a level of service "
                                          "for, and against which targets for DCC performance can be set")
    assert meanings["Indicator"].startswith("Something the DCC is not accountable for but that provides a KPI that "
                                            "may be of value or use to the industry but cannot have a target "
                                            "attributed to it")
    page = render(None, None)
    assert page.count("<dt>") == len(meanings) == len(TERMS) and "<dt>Round-trip time (RTT)</dt>" in page


def test_the_terms_give_the_alert_target_the_figures_were_computed_with():
    import duckdb

    from reports.context import ReportContext
    from reports.sections.terms import render

    con = duckdb.connect()
    con.execute("create schema reference")
    con.execute("create table reference.parameters as select 'alert_trt_s' as parameter, 30.0 as value, 's' as unit, "
                "'Target time for delivering an alert' as description, 'Operations Group' as source")
    page = render(ReportContext(month=MONTH, con=con, metrics=None, catalogue=None), None)
    assert "a target of its own); 30 s for an alert (the parameters seed).</dd>" in page
    # and in the table of parameters, in words
    assert ("<tr><th scope=row>alert_trt_s</th><td>30 s</td><td>Target time for delivering an alert</td>"
            "<td>Operations Group</td></tr>") in page


@pytest.mark.parametrize(("value", "target", "minimum", "higher_is_better", "verdict"), [
    (99.0, 99.0, 96.0, True, "target met"),                    # exactly at the target
    (98.99, 99.0, 96.0, True, "target missed (minimum met)"),
    (96.0, 99.0, 96.0, True, "target missed (minimum met)"),    # exactly at the minimum
    (95.99, 99.0, 96.0, True, "minimum missed"),
    (1.0, 1.0, 4.0, False, "target met"),                      # a ceiling: at most 1% missed
    (4.0, 1.0, 4.0, False, "target missed (minimum met)"),
    (4.01, 1.0, 4.0, False, "minimum missed"),
    (97.0, 99.0, None, True, "target missed"),                 # a target without a minimum
    (97.0, 99.0, float("nan"), True, "target missed"),
    (5.0, 1.0, None, False, "target missed"),
    (0.5, 1.0, None, False, "target met"),
])
def test_a_figure_on_its_service_level_meets_it(value, target, minimum, higher_is_better, verdict):
    from reports.format import status

    assert status(value, target, minimum, higher_is_better) == verdict


def test_a_measure_without_a_segment_breakdown_is_scoped_to_all_segments():
    """B1, B2 and DF1 have no segment column (metrics.md §4): their glance row said
    "National", which the terms keep for Requirement 3's view of national outages."""
    from reports.sections.measures import _scope

    row = dict(business_process=None, service=None, category=None, requirement="B1")
    assert _scope({**row, "segment": None}, {}) == "All segments"
    assert _scope({**row, "segment": "All"}, {}) == "All segments"
    assert _scope({**row, "service": "dui"}, {"dui": "DCC User Interface"}) == \
        "DCC User Interface, national view (national outages only)"


def test_durations_keep_two_decimals_however_long():
    """A range read "0.15 – 1,010" beside "0.15 – 910.26": one precision for a column."""
    from reports.format import number

    assert [number(v, "s") for v in (0.15, 910.256, 1010.0, 689188.004)] == ["0.15", "910.26", "1,010.00",
                                                                          "689,188.00"]
    assert number(1234.5, "h") == "1,234.50" and number(float("nan"), "s") == "–"
