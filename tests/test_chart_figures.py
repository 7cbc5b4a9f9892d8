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
    assert html.startswith('<details class="chart-figures"><summary>') and "&lt;of&gt;" in html
    # the day and the segment are the row's headers, the figures its cells
    assert "<tr><th>Thu 01 Oct</th><th>South</th><td>7</td><td>12.35%</td></tr>" in html


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
