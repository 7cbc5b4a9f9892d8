"""Requirement 1 (RSVP) and A1 on the hand-made landing of tests/rsvp_landing.py, every
figure worked out by hand below from the rows and notes there."""

import pytest

from tests.helpers import metric, query


@pytest.fixture(scope="module")
def warehouse(rsvp_month):
    """The warehouse of tests/conftest.py's rsvp_month: October built from the landing."""
    return rsvp_month["db"]


FIGURES = ["volume", "rejected", "mean_rtt_s", "median_rtt_s", "min_rtt_s", "max_rtt_s", "pct_within_trt", "pct_failed"]

# (process, segment) -> monthly figures, by hand
MONTHLY = {
    # A C E F G H: F rejected; deliverable A C E G H; RTTs 4 40 35 10; within A G; failed E G H
    ("prepayment_top_up", "North"): [6, 1, 89 / 4, 22.5, 4, 40, 40.0, 60.0],
    ("prepayment_top_up", "Central"): [1, 0, 20, 20, 20, 20, 100.0, 0.0],
    ("prepayment_top_up", "SMETS1"): [1, 0, 6, 6, 6, 6, 100.0, 0.0],
    # all eight: RTTs 4 6 10 20 35 40 -> mean 115/6, median (10+20)/2; within A G I J = 4/7; failed 3/7
    ("prepayment_top_up", "All"): [8, 1, 115 / 6, 15, 4, 40, 400 / 7, 300 / 7],
    # L 12.5 and M 25 (from execution); K is a Transform
    ("tariff_update", "South"): [2, 0, 18.75, 18.75, 12.5, 25, 100.0, 0.0],
    ("tariff_update", "All"): [2, 0, 18.75, 18.75, 12.5, 25, 100.0, 0.0],
    # L M N P: RTTs 12.5 25 2 (N ends with I99); P has no response
    ("install_commission", "South"): [4, 0, 39.5 / 3, 12.5, 2, 25, 75.0, 25.0],
    ("install_commission", "All"): [4, 0, 39.5 / 3, 12.5, 2, 25, 75.0, 25.0],
    # a1 (5 s) and a2 (90 s); a4 suppressed, a7 in September
    ("alerts_management", "North"): [2, 0, 47.5, 47.5, 5, 90, 50.0, 0.0],
    ("alerts_management", "SMETS1"): [1, 0, None, None, None, None, 0.0, 100.0],
    ("alerts_management", "All"): [3, 0, 47.5, 47.5, 5, 90, 100 / 3, 100 / 3],
    # Q rejected, so nothing deliverable: no RTT, no share within the TRT, no share failed
    ("device_certificate_update", "South"): [1, 1, None, None, None, None, None, None],
    ("device_certificate_update", "All"): [1, 1, None, None, None, None, None, None],
}
# 1.1.1 counts alike in every process whose list holds it
for process in ("change_of_supplier", "change_of_tenancy", "in_life_device_management"):
    MONTHLY[(process, "South")] = MONTHLY[("tariff_update", "South")]
    MONTHLY[(process, "All")] = MONTHLY[("tariff_update", "All")]


def monthly_figures(db, process, segment):
    values = []
    for name in FIGURES:
        rows = query(
            db,
            "select value from metrics.pmr_metrics where metric_id = ? and business_process = ? "
            "and segment = ? and day is null",
            [f"rsvp.{name}", process, segment],
        )
        assert len(rows) <= 1
        values.append(rows[0][0] if rows else None)
    return values


@pytest.mark.parametrize("key", sorted(MONTHLY))
def test_monthly_rsvp_matches_hand_figures(warehouse, key):
    actual = monthly_figures(warehouse, *key)
    for name, got, expected in zip(FIGURES, actual, MONTHLY[key]):
        if expected is None:
            assert got is None, name
        else:
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), name


def test_every_other_process_and_segment_is_zero_volume_and_nothing_else(warehouse):
    rows = query(
        warehouse,
        "select business_process, segment, metric_id, value from metrics.pmr_metrics "
        "where model = 'metric_rsvp' and day is null",  # an rsvp.* id of another model is not RSVP's
    )
    for process, segment, metric_id, value in rows:
        if (process, segment) in MONTHLY:
            continue
        assert metric_id in ("rsvp.volume", "rsvp.rejected", "rsvp.mean_rtt_excl_han_s"), (process, segment, metric_id)
        if metric_id != "rsvp.mean_rtt_excl_han_s":
            assert value == 0, (process, segment, metric_id)


def test_smets1_not_reported_for_processes_without_smets1_srvs(warehouse):
    segments = query(
        warehouse,
        "select distinct segment from metrics.pmr_metrics where business_process = 'ch_logistics'",
    )
    assert sorted(s for (s,) in segments) == ["All", "Central", "North", "South"]


def test_daily_rsvp_uses_uk_days_across_month_ends_and_the_clock_change(warehouse):
    def daily(day, name, process="prepayment_top_up", segment="North"):
        return metric(warehouse, f"rsvp.{name}", day=day, business_process=process, segment=segment)

    assert daily("2026-10-01", "volume") == 1  # A (00:30 BST)
    assert daily("2026-10-31", "volume") == 1  # C (23:30 GMT)
    assert daily("2026-10-25", "volume") == 2  # E and F, both at 01:30 local
    assert daily("2026-10-25", "rejected") == 1
    assert daily("2026-10-25", "mean_rtt_s") == 35
    assert daily("2026-10-25", "pct_failed") == 100
    assert daily("2026-10-10", "pct_within_trt") == 50  # G within, H no response
    assert daily("2026-10-10", "pct_failed") == 100
    assert daily("2026-10-02", "volume") == 0
    q_day = dict(business_process="device_certificate_update", segment="South", day="2026-10-10")
    assert (metric(warehouse, "rsvp.volume", **q_day), metric(warehouse, "rsvp.rejected", **q_day)) == (1, 1)
    assert query(warehouse, "select metric_id from metrics.pmr_metrics where business_process = ? and day = ? "
                 "and metric_id not in ('rsvp.volume', 'rsvp.rejected')",
                 [q_day["business_process"], q_day["day"]]) == []
    days = query(warehouse, "select count(distinct day) from metrics.pmr_metrics where day is not null")
    assert days == [(31,)]
    totals = query(
        warehouse,
        "select business_process, segment, sum(value) from metrics.pmr_metrics "
        "where metric_id = 'rsvp.volume' and day is not null group by all",
    )
    for process, segment, total in totals:
        assert total == MONTHLY.get((process, segment), [0])[0], (process, segment)


def test_han_free_speed_adds_dsp_time_to_the_segment_test_message_mean(warehouse):
    # DSP: A 0.2 s, C 0.4 s, G 0.6 s -> 0.4 s; North probes in October: 3 s and 5 s -> 4 s
    assert metric(warehouse, "rsvp.mean_rtt_excl_han_s", business_process="prepayment_top_up",
                  segment="North") == pytest.approx(4.4)
    # 1 October: A 0.2 s + the probe of that UK day 3 s
    assert metric(warehouse, "rsvp.mean_rtt_excl_han_s", day="2026-10-01", business_process="prepayment_top_up",
                  segment="North") == pytest.approx(3.2)
    no_smets1 = query(warehouse, "select count(*) from metrics.pmr_metrics where "
                      "metric_id = 'rsvp.mean_rtt_excl_han_s' and segment in ('SMETS1', 'All')")
    assert no_smets1 == [(0,)]


def test_requests_without_dsp_time_are_counted_and_left_out_of_the_dsp_mean(warehouse):
    # 2.2 with a final response: North A (0.2 s), C (0.4 s), E (E21, none), G (0.6 s); Central I (none);
    # SMETS1 J (none). F is rejected, H has no response
    counts = query(warehouse, "select segment, rtt_measured, without_dsp_time from marts.pmr_rsvp "
                   "where business_process = 'prepayment_top_up' and day is null order by segment")
    assert counts == [("All", 6, 3), ("Central", 1, 1), ("North", 4, 1), ("SMETS1", 1, 1), ("South", 0, 0)]


def test_a1_alerts_within_sla_and_late_by_code(warehouse):
    # non-suppressed October alerts: a1 N ok, a2 N late, a3 SMETS1 never, a5 N ok, a6 Central ok
    assert metric(warehouse, "alerts.pct_within_sla", segment="North") == pytest.approx(200 / 3)
    assert metric(warehouse, "alerts.pct_within_sla", segment="Central") == 100
    assert metric(warehouse, "alerts.pct_within_sla", segment="SMETS1") == 0
    assert metric(warehouse, "alerts.pct_within_sla", segment="All") == 60
    assert query(warehouse, "select count(*) from metrics.pmr_metrics where metric_id = "
                 "'alerts.pct_within_sla' and segment = 'South'") == [(0,)]
    assert metric(warehouse, "alerts.late", category="8F35") == 1
    assert metric(warehouse, "alerts.late", category="8F36") == 1
    assert query(warehouse, "select count(*) from metrics.pmr_metrics where metric_id = 'alerts.late'") == [(2,)]


def test_a1_counts_its_alerts_and_the_suppressed_ones_by_segment(warehouse):
    # October: a1, a2, a5 North, a6 Central, a3 SMETS1 counted; a4 (North) suppressed;
    # a7 is September's. South has none: 0, as counts are.
    counted = {"North": 3, "Central": 1, "South": 0, "SMETS1": 1, "All": 5}
    suppressed = {"North": 1, "Central": 0, "South": 0, "SMETS1": 0, "All": 1}
    for segment in counted:
        assert metric(warehouse, "alerts.counted", segment=segment) == counted[segment], segment
        assert metric(warehouse, "alerts.suppressed", segment=segment) == suppressed[segment], segment


def test_measures_carry_service_levels(warehouse):
    rows = query(warehouse, "select distinct kind, target, minimum from metrics.pmr_metrics "
                 "where metric_id = 'rsvp.pct_within_trt'")
    assert rows == [("measure", 99.0, 96.0)]
