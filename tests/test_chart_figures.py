"""Every figure a daily chart draws is also in a table folded under it, for a reader who
cannot see the chart or hover its points (a screen reader, the keyboard): the table's
layout on a hand-made frame, and its cells on the hand-made month of
tests/rsvp_landing.py, whose figures tests/test_report_presentation.py works out."""

import datetime as dt

import pandas as pd
import pytest

from tests.page_tables import PageTables, table_with


def test_figures_table_is_a_row_per_day_and_segment_in_segment_order():
    from reports.charts import by_day_and_segment, figures_table

    data = pd.DataFrame({
        "day": [dt.date(2026, 10, 2), dt.date(2026, 10, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 1)],
        "segment": ["North", "South", "All", "South"],
        "figure": ["volume", "volume", "volume", "share"],
        "value": [1234.0, 7.0, 1241.0, 12.345],
    })
    rows = by_day_and_segment(data, {"volume": "Volume", "share": "Share <of> all (%)"}, {"All": "National"})
    html = figures_table(rows, {"Volume": "count", "Share <of> all (%)": "pct"}, "Caption")
    page = PageTables()
    page.feed(f'<section id="s">{html}</section>')
    [table] = table_with(page, "s", "Caption")
    # 1 October before 2 October; South before All (SEGMENT_ORDER); a figure missing is a dash
    assert table == [["UK day", "Segment", "Volume", "Share <of> all (%)"],
                     ["Thu 01 Oct", "South", "7", "12.35%"],
                     ["Thu 01 Oct", "National", "1,241", "–"],
                     ["Fri 02 Oct", "North", "1,234", "–"]]
    assert html.startswith('<details class="chart-figures"><summary>Table of the chart\'s figures: Caption</summary>')
    assert "&lt;of&gt;" in html
    # the day and the segment are the row's headers, the figures its cells
    assert "<tr><th scope=row>Thu 01 Oct</th><th scope=row>South</th><td>7</td><td>12.35%</td></tr>" in html


def test_a_bank_holiday_is_named_in_the_figures_table():
    """Good Friday and Easter Monday 2026 (seeds/uk_bank_holidays.csv) beside an
    ordinary Thursday: a day of weekend traffic and no installs reads as what it is."""
    from reports.charts import figures_table

    rows = pd.DataFrame({"UK day": [dt.date(2026, 4, 2), dt.date(2026, 4, 3), dt.date(2026, 4, 6)],
                         "Installs": [39.0, 0.0, 0.0]})
    page = PageTables()
    page.feed(f'<section id="s">{figures_table(rows, {"Installs": "count"}, "Caption")}</section>')
    assert [row[0] for row in table_with(page, "s", "Caption")[0][1:]] == [
        "Thu 02 Apr", "Fri 03 Apr (bank holiday)", "Mon 06 Apr (bank holiday)"]


def _table(html: str) -> list[dict]:
    page = PageTables()
    page.feed(f'<section id="s">{html}</section>')
    [table] = page.tables["s"]
    return [dict(zip(table["rows"][0], row)) for row in table["rows"][1:]]


def test_each_rsvp_figure_goes_to_its_own_column():
    from reports.sections.rsvp import daily_figures

    one_day = {"mean_rtt_s": 5.0, "mean_rtt_excl_han_s": 3.0, "median_rtt_s": 2.0, "pct_within_trt": 90.0,
               "pct_failed": 10.0, "volume": 7.0}
    daily = pd.DataFrame([{"metric_id": f"rsvp.{name}", "day": dt.date(2026, 10, 5), "segment": "Central",
                           "value": value} for name, value in one_day.items()]
                         + [{"metric_id": "rsvp.rejected", "day": dt.date(2026, 10, 5), "segment": "Central",
                             "value": 99.0}])  # a figure the chart does not draw
    [row] = _table(daily_figures(daily, "Process", with_han_free=True))
    assert row == {"UK day": "Mon 05 Oct", "Segment": "Central", "Average RTT (s)": "5.00",
                   "Average RTT excluding the HAN, interim (s)": "3.00", "Median RTT (s)": "2.00",
                   "Within the TRT (%)": "90.00%", "Failed (%)": "10.00%", "Volume": "7"}
    [row] = _table(daily_figures(daily, "Process", with_han_free=False))
    assert "Average RTT excluding the HAN, interim (s)" not in row


def test_each_install_figure_goes_to_its_own_column():
    from reports.sections.installs import installs_by_type_figures, installs_figures

    day = pd.Timestamp(2026, 10, 5)
    by_type = pd.DataFrame({"day": [day] * 3, "segment": ["North"] * 3, "device_type": ["CHF", "CHF", "ESME"],
                            "outcome": ["Successful", "Failed", "Successful"], "value": [2.0, 1.0, 5.0]})
    [row] = _table(installs_by_type_figures(by_type))
    assert row == {"UK day": "Mon 05 Oct", "Segment": "North", "CHF: successful": "2", "CHF: failed": "1",
                   "ESME: successful": "5", "ESME: failed": "–", "GSME: successful": "–", "GSME: failed": "–"}

    def frame(**columns):
        return pd.DataFrame({"day": [day, day + pd.Timedelta(days=1)], "segment": ["South", "South"], **columns})

    # IC2's deviation on every day (4 / 10 - 1 = -0.6; 9 / 8.5 - 1 = 0.0588), the 5th marked degraded
    rows = _table(installs_figures(frame(value=[4.0, 9.0]), frame(value=[10.0, 8.5]), frame(value=[-0.6, 0.0588]),
                                   frame().iloc[:1], pd.DataFrame({"day": [day], "value": [2.0]})))
    assert rows == [
        {"UK day": "Mon 05 Oct", "Segment": "South", "Successful installs": "4", "Forecast": "10.00",
         "Deviation from the forecast (ratio)": "-0.600", "Degraded day": "yes", "Category 1-2 incidents open": "2"},
        # not degraded, its deviation shown all the same; no figure of the incidents open that day: none, not 0
        {"UK day": "Tue 06 Oct", "Segment": "South", "Successful installs": "9", "Forecast": "8.50",
         "Deviation from the forecast (ratio)": "+0.059", "Degraded day": "", "Category 1-2 incidents open": "–"}]


def test_two_figures_on_one_point_are_refused_by_name():
    from reports.charts import by_day_and_segment

    data = pd.DataFrame({"day": [dt.date(2026, 10, 1)] * 2, "segment": ["North"] * 2, "figure": ["volume"] * 2,
                         "value": [1.0, 2.0]})
    with pytest.raises(ValueError, match="volume of North on 2026-10-01"):
        by_day_and_segment(data, {"volume": "Volume"})


def test_no_rows_no_table():
    from reports.charts import figures_table

    assert figures_table(pd.DataFrame({"UK day": []}), {}, "Caption") == ""


@pytest.fixture(scope="module")
def page(rsvp_month):
    tables = PageTables()
    tables.feed((rsvp_month["link"] / "pmr.html").read_text())
    return tables


def _rows(page, section, caption_part, day, segment):
    [table] = table_with(page, section, caption_part)
    header = table[0]
    return [dict(zip(header, row)) for row in table[1:] if row[0] == day and row[1] == segment]


def test_the_daily_rsvp_figures_are_under_the_chart(page):
    # prepayment_top_up, 1 October, North: A's RTT 4 s; its DSP time 0.2 s + that day's
    # North probe 3 s = 3.2 s without the HAN
    [first] = _rows(page, "rsvp", "Prepayment Top Up Device Remotely: daily figures", "Thu 01 Oct", "North")
    assert (first["Average RTT (s)"], first["Average RTT excluding the HAN, interim (s)"]) == ("4.00", "3.20")
    # 10 October, North: G (RTT 10 s, within the TRT, named by an N12) and H (no response):
    # median 10 s, 50% within the TRT, both failed, volume 2
    [tenth] = _rows(page, "rsvp", "Prepayment Top Up Device Remotely: daily figures", "Sat 10 Oct", "North")
    assert (tenth["Median RTT (s)"], tenth["Within the TRT (%)"], tenth["Failed (%)"], tenth["Volume"]) == (
        "10.00", "50.00%", "100.00%", "2")


def test_the_daily_install_figures_are_under_the_charts(page):
    # 14 October, South: hub N successful (I99 only), hub P failed (no response)
    [by_type] = _rows(page, "outcomes", "by segment and device type", "Wed 14 Oct", "South")
    assert (by_type["CHF: successful"], by_type["CHF: failed"]) == ("1", "1")
    [installs] = _rows(page, "outcomes", "against the forecast, by segment", "Wed 14 Oct", "South")
    assert installs["Successful installs"] == "1"
