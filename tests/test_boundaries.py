"""Requirement 1 and A1 on their boundaries: an answer exactly at the Target Response
Time, an alert delivered exactly at 60 s, a request at the first instant of the month,
an E30 timeout, an E-code the response-code seed does not list, and an answer before
the clock start, a firmware image answered at exactly 5 days, Activate Firmware (11.3)
on SMETS1 against its 5-day target and on SMETS2 against 30 s, and incidents closed on
the month's boundaries. Every figure below is worked out by hand from these rows (metrics.md
§3): a test-suite review found that changing any of these rules left the other
fixtures' figures unchanged, as none of their rows sits on a boundary."""

from __future__ import annotations

import pytest

from tests.helpers import build_warehouse, metric, write_csv
from tests.rsvp_landing import MONTH, alert, at, request, response

TOPUP = "prepayment_top_up"

REQUESTS = [
    # North top-ups (2.2, TRT 30 s)
    request("X30", "2026-10-12T10:00:00Z"),                                   # I0 at 30.000 s: within
    request("X31", "2026-10-12T10:05:00Z"),                                   # I0 at 30.001 s: not within
    request("XT", "2026-10-12T10:10:00Z", execution="2026-10-12T12:10:00Z"),  # E30 40 s after execution
    request("XE", "2026-10-12T10:15:00Z"),                                    # E6, no listed class: rejected
    # Central top-up received at the month's first instant (00:00 BST on 1 October)
    request("XS", "2026-09-30T23:00:00Z", region="Central"),                  # I0 at 1 s
    # South 1.1.1 answered 10 s before its execution_at: RTT 0, not -10
    request("XB", "2026-10-12T09:00:00Z", srv="1.1.1", variant=5, region="South",
            execution="2026-10-13T02:00:00Z"),
    # firmware images (11.1, Non-Device): delivered when answered I0 at most 5 days after receipt
    request("F5", "2026-10-12T10:00:00Z", srv="11.1", variant=8),             # I0 at exactly 5 days
    request("F6", "2026-10-12T10:00:00Z", srv="11.1", variant=8),             # I0 at 5 days and 1 ms
    # Activate Firmware (11.3), signed pre-commands: 5 days on SMETS1 (the seed's SR11.3 note), else 30 s
    request("S2d", "2026-10-14T10:00:00Z", srv="11.3", variant=5, smets="SMETS1"),  # I0 at 2 days: within
    request("S5d", "2026-10-14T11:00:00Z", srv="11.3", variant=5, smets="SMETS1"),  # I0 at 5 days: within
    request("S5x", "2026-10-14T12:00:00Z", srv="11.3", variant=5, smets="SMETS1"),  # 5 days and 1 ms: not
    request("N30", "2026-10-14T10:00:00Z", srv="11.3", variant=5),                  # I0 at 30 s: within
    request("N2d", "2026-10-14T11:00:00Z", srv="11.3", variant=5),                  # I0 at 2 days: not
]
DAYS_5 = 5 * 86400
RESPONSES = [
    response("X30", at("2026-10-12T10:00:00Z", 30), "I0"),
    response("X31", at("2026-10-12T10:05:00Z", 30.001), "I0"),
    response("XT", at("2026-10-12T12:10:00Z", 40), "E30"),
    response("XE", at("2026-10-12T10:15:00Z", 0.5), "E6"),
    response("XS", at("2026-09-30T23:00:00Z", 1), "I0"),
    response("XB", at("2026-10-13T02:00:00Z", -10), "I0"),
    response("F5", at("2026-10-12T10:00:00Z", DAYS_5), "I0"),
    response("F6", at("2026-10-12T10:00:00Z", DAYS_5 + 0.001), "I0"),
    response("S2d", at("2026-10-14T10:00:00Z", 2 * 86400), "I0"),
    response("S5d", at("2026-10-14T11:00:00Z", DAYS_5), "I0"),
    response("S5x", at("2026-10-14T12:00:00Z", DAYS_5 + 0.001), "I0"),
    response("N30", at("2026-10-14T10:00:00Z", 30), "I0"),
    response("N2d", at("2026-10-14T11:00:00Z", 2 * 86400), "I0"),
]
# Category 3 incidents of the DCC, closed on the month's boundaries (metrics.md §1: an
# incident belongs to the period in which it was closed)
INCIDENTS = [
    dict(incident_id="first", category=3, raised_at="2026-09-28T10:00:00Z", responded_at="2026-09-28T11:00:00Z",
         resolved_at="2026-09-30T22:00:00Z", closed_at="2026-09-30T23:00:00Z", responsible_party="DCC"),  # October
    dict(incident_id="after", category=3, raised_at="2026-10-28T10:00:00Z", responded_at="2026-10-28T11:00:00Z",
         resolved_at="2026-10-30T10:00:00Z", closed_at="2026-11-01T00:00:00Z", responsible_party="DCC"),  # November
]
ALERTS = [
    alert("b60", "8F35", "2026-10-20T10:00:00Z", 60),       # exactly 60 s: within
    alert("b61", "8F35", "2026-10-20T10:10:00Z", 60.001),   # late
    # F5's device verifies its image at the very instant of its final response (Central: no
    # North alert figure changes)
    {**alert("v0", "8F72", at("2026-10-12T10:00:00Z", DAYS_5), 1, region="Central"), "device_id": "dev-F5"},
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("boundaries")
    landing = root / "landing"
    write_csv(landing, "service_requests", REQUESTS)
    write_csv(landing, "service_responses", RESPONSES)
    write_csv(landing, "alerts", ALERTS)
    write_csv(landing, "incidents", INCIDENTS)
    db = root / "w.duckdb"
    build_warehouse(landing, db, MONTH)
    return db


def test_top_up_figures_on_the_trt_boundary(warehouse):
    north = dict(business_process=TOPUP, segment="North")
    assert metric(warehouse, "rsvp.volume", **north) == 4
    assert metric(warehouse, "rsvp.rejected", **north) == 1                      # XE
    # deliverable: X30, X31, XT; within the TRT: X30 only (30.000 <= 30)
    assert metric(warehouse, "rsvp.pct_within_trt", **north) == pytest.approx(100 / 3)
    # failed: XT (E30, timeout)
    assert metric(warehouse, "rsvp.pct_failed", **north) == pytest.approx(100 / 3)
    assert metric(warehouse, "rsvp.mean_rtt_s", **north) == pytest.approx((30 + 30.001 + 40) / 3)
    assert metric(warehouse, "rsvp.median_rtt_s", **north) == pytest.approx(30.001)
    assert (metric(warehouse, "rsvp.min_rtt_s", **north), metric(warehouse, "rsvp.max_rtt_s", **north)) == \
        pytest.approx((30, 40))


def test_a_request_at_the_months_first_instant_is_octobers(warehouse):
    central = dict(business_process=TOPUP, segment="Central")
    assert metric(warehouse, "rsvp.volume", **central) == 1
    assert metric(warehouse, "rsvp.pct_within_trt", **central) == 100


def test_an_answer_before_the_clock_start_takes_no_time(warehouse):
    from tests.helpers import query

    minima = query(warehouse, "select distinct value from metrics.pmr_metrics where metric_id = 'rsvp.min_rtt_s' "
                              "and segment = 'South' and day is null")
    assert minima == [(0.0,)]


def test_activate_firmware_on_smets1_has_a_5_day_target(warehouse):
    in_life = "in_life_device_management"
    # SMETS1: S2d and S5d within 5 days, S5x not
    assert metric(warehouse, "rsvp.pct_within_trt", business_process=in_life, segment="SMETS1") == \
        pytest.approx(200 / 3)
    # North (SMETS2): N30 within 30 s, N2d not; and the firmware images (11.1, same process) F5 within, F6 not
    assert metric(warehouse, "rsvp.pct_within_trt", business_process=in_life, segment="North") == 50
    # All: those 7 and South's XB (1.1.1, RTT 0): S2d, S5d, N30, F5, XB within -> 5 of 8
    assert metric(warehouse, "rsvp.pct_within_trt", business_process=in_life, segment="All") == 62.5


def test_an_alert_delivered_at_exactly_60_seconds_is_within_its_target(warehouse):
    assert metric(warehouse, "alerts.pct_within_sla", segment="North") == 50
    assert metric(warehouse, "alerts.late", category="8F35") == 1


def test_a_firmware_image_answered_at_exactly_5_days_is_delivered(warehouse):
    assert metric(warehouse, "fw.requested") == 2
    assert metric(warehouse, "fw.delivered") == 1                                 # F5
    assert metric(warehouse, "fw.pct_delivered") == 50
    # DF2 over the delivered F5: its 8F72 came 0 s after the final response, within the window
    assert metric(warehouse, "fw.pct_verified") == 100


def test_an_incident_closed_at_the_months_end_is_the_next_months(warehouse):
    # "first", closed at 00:00 BST on 1 October, is October's; "after", at 00:00 GMT on
    # 1 November, November's
    assert metric(warehouse, "cpm5.closed", category="3") == 1
