"""The alerts on the page as a reader of the Panel sees them: the Alerts Management
process table, late alert codes with their meaning (or the kind of a code the
reference lacks), A1's counted and suppressed alerts, and why A1's share and
Alerts Management's differ, on the hand-made landing of tests/rsvp_landing.py
(the rest of the page: test_report_presentation.py)."""

import duckdb
import pytest

from tests.helpers import figures_table
from tests.page_tables import process_html, section_html
from tests.rsvp_landing import MONTH


@pytest.fixture(scope="module")
def published(rsvp_month):
    """October as tests/conftest.py's rsvp_month publishes it."""
    return rsvp_month


def test_the_alerts_process_table_has_no_rows_that_cannot_apply_to_alerts(published):
    rows = ("<th scope=row>Rejected at the DCC boundary</th>", "<th scope=row>Average RTT excluding the HAN, interim (s)</th>")
    alerts, prepayment = (process_html(published, p) for p in ("alerts_management", "prepayment_top_up"))
    assert not any(row in alerts for row in rows)
    assert all(row in prepayment for row in rows)
    assert "<th scope=row>Volumes</th>" in alerts and "<th scope=row>Alerts that failed to be delivered</th>" in alerts
    # the seed's Table 2 wording: a share within the TRT counts any answer, not only successes
    assert "<th scope=row>Service Requests that failed to be delivered</th>" in prepayment
    assert ("<th scope=row>Service Responses delivered within the Target Response Time (target 99.00%, minimum "
            "96.00%)</th>") in prepayment
    assert "<th scope=row>Alerts delivered within the Target Response Time" in alerts


def test_late_alert_codes_show_their_meaning(published):
    alerts = section_html(published, "alerts")
    late = alerts.split("<caption>Late alerts by code, all segments</caption>", 1)[1].split("</table>", 1)[0]
    assert "<th scope=col>Alert code</th><th scope=col>Meaning</th>" in late
    # a2 (8F35) delivered after 90 s, a3 (8F36) never delivered; meanings from seeds/alert_codes.csv
    assert "<tr><th scope=row>8F35</th><td>Supply outage restored</td><td>1</td></tr>" in late
    assert "<tr><th scope=row>8F36</th><td>Supply outage restored after 3 minutes or more</td><td>1</td></tr>" in late


def test_a1_shows_the_alerts_it_counts_and_those_suppressed(published):
    # segments with alerts counted: North (a1 a2 a5), Central (a6), SMETS1 (a3); a4 (North) suppressed
    alerts = section_html(published, "alerts")
    assert "<tr><th scope=col>Figure (A1)</th><th scope=col>North</th><th scope=col>Central</th><th scope=col>SMETS1</th><th scope=col>All</th>" in alerts
    assert "<th scope=row>  … of alerts counted (not suppressed)</th><td>3</td><td>1</td><td>1</td><td>5</td>" in alerts
    assert ("<th scope=row>Alerts suppressed by storm throttling (never sent, not counted)</th>"
            "<td>1</td><td>0</td><td>0</td><td>1</td>") in alerts


def test_a_late_alert_code_not_in_the_reference_says_so_with_its_kind(published):
    from reports.context import ReportContext
    from reports.sections import alerts

    # 8F35 is in the reference; 8FFF (a device alert in the warehouse) and N99 (a DCC alert)
    # are not; 8AAA is in no alert of the warehouse, so its kind is unknown
    metrics = figures_table(dict(metric_id="alerts.pct_within_sla", segment="All", value=50.0, target=99.0, minimum=96.0),
                       dict(metric_id="alerts.late", category="8F35", value=5.0),
                       dict(metric_id="alerts.late", category="8FFF", value=3.0),
                       dict(metric_id="alerts.late", category="N99", value=2.0),
                       dict(metric_id="alerts.late", category="8AAA", value=1.0))
    con = duckdb.connect()
    con.execute("create schema reference; create schema marts")
    con.execute("create table reference.alert_codes as select '8F35' as alert_code, 'Supply outage restored' as meaning")
    con.execute("create table reference.parameters as select 'alert_trt_s' as parameter, 60.0 as value")
    con.execute("create table marts.fct_alerts as select * from (values ('8FFF', 'device'), ('8FFF', 'device'), "
                "('N99', 'dcc'), ('8F35', 'device')) t(alert_code, alert_kind)")
    try:
        html = alerts.render(ReportContext(month=MONTH, con=con, metrics=metrics, catalogue=None), None)
    finally:
        con.close()
    assert "<tr><th scope=row>8F35</th><td>Supply outage restored</td><td>5</td></tr>" in html
    assert "<tr><th scope=row>8FFF</th><td>Device Alert (meaning not in the alert code reference)</td><td>3</td></tr>" in html
    assert "<tr><th scope=row>N99</th><td>DCC Alert (meaning not in the alert code reference)</td><td>2</td></tr>" in html
    assert "<tr><th scope=row>8AAA</th><td>– (not in the alert code reference)</td><td>1</td></tr>" in html
    # 3 + 2 + 1 of the 11 late alerts
    assert "6 of the 11 late alerts have a code that the alert code reference does not hold" in html


def test_measures_at_a_glance_say_why_the_two_alert_shares_differ(published):
    measures = section_html(published, "measures")
    # A1: a1 a2 a3 a5 a6 (a4 suppressed, a7 September), within 60 s a1 a5 a6 = 3 of 5;
    # Alerts Management (seeds/business_process_alerts.csv: AD1, 8F35, 8F36): a1 a2 a3, within a1 = 1 of 3
    # (no previous report is published beside this one: – in the previous month's column)
    assert "<th scope=row>Alerts delivered within 60 s</th><th scope=row>A1</th><th scope=row>All segments</th><td>–</td><td>60.00%</td>" in measures
    assert "<th scope=row>R1</th><th scope=row>Alerts Management</th><td>–</td><td>33.33%</td>" in measures
    assert ("Alerts delivered within 60 s (A1) counts every alert that was not suppressed; Within Target Response "
            "Time for Alerts Management (R1) counts only the alerts of that process, codes 8F35, 8F36, AD1. "
            "Both time an alert against 60 s") in measures
