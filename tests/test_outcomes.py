"""Requirement 2 (outcome measures, metrics.md §4) on a hand-made landing folder
(tests/outcomes_landing.py: every rule exercised, every figure worked out by hand in
the comments beside its rows): change of supplier, billing, top-ups, firmware, and the
contract of the outcome figures. Installs and commissioning (IC1, IC2):
test_outcomes_installs.py.

Month 2026-10 runs from 2026-09-30T23:00Z to 2026-11-01T00:00Z (BST until 01:00Z on
25 October). 1 October 2026 is a Thursday.
"""

import datetime as dt

from pmr.dbt_runner import run_dbt
from tests.helpers import approx, metric, no_row, query

MONTH = "2026-10"


# --- CoS1 -------------------------------------------------------------------------------

def test_cos_success_with_corrections(outcomes_db):
    # deliverable: c1 c2 c3 c4 c5 c6 c8 c9 c10 c11 (c7 rejected) = 10
    # success: c1, c10; corrected: c2 (6 days), c9 (by c10, 1 h), c11 (exactly 7 x 24 h, in November)
    # not: c3 (7 days + 1 h), c4 (another User), c5 (no response), c6 (N13), c8 (a failure and a Transform)
    assert metric(outcomes_db, "cos.pct_success", segment="All") == approx(50.0)               # 5 / 10
    assert metric(outcomes_db, "cos.pct_success", segment="South") == approx(37.5)             # c1 c2 c11 / 8
    assert metric(outcomes_db, "cos.pct_success", segment="Central") == approx(100.0)          # c9 c10
    assert metric(outcomes_db, "cos.pct_success", segment="South", device_type="ESME") == approx(300 / 7)
    assert metric(outcomes_db, "cos.pct_success", segment="South", device_type="GSME") == approx(0.0)   # c8
    assert metric(outcomes_db, "cos.pct_success", segment="All", device_type="ESME") == approx(500 / 9)
    assert no_row(outcomes_db, "cos.pct_success", segment="North")
    # the seed's CoS1: the measure for all segments and device types, its breakdowns indicators
    assert query(outcomes_db, "select segment, device_type, kind from metrics.pmr_metrics "
                 "where metric_id = 'cos.pct_success' order by all") == [
        ("All", "ESME", "indicator"), ("All", "GSME", "indicator"), ("All", None, "measure"),
        ("Central", "ESME", "indicator"), ("Central", None, "indicator"),
        ("South", "ESME", "indicator"), ("South", "GSME", "indicator"), ("South", None, "indicator")]


def test_cos_success_is_published_with_its_population(outcomes_db):
    # deliverable 6.23: South c1 c2 c3 c4 c5 c6 c11 (ESME) and c8 (GSME); Central c9 c10 (ESME); none in
    # North or SMETS1: counts of 0 for all types and each type the month has
    assert query(outcomes_db, "select segment, device_type, value from metrics.pmr_metrics "
                 "where metric_id = 'cos.requests' order by all") == [
        ("All", "ESME", 9), ("All", "GSME", 1), ("All", None, 10),
        ("Central", "ESME", 2), ("Central", "GSME", 0), ("Central", None, 2),
        ("North", "ESME", 0), ("North", "GSME", 0), ("North", None, 0),
        ("SMETS1", "ESME", 0), ("SMETS1", "GSME", 0), ("SMETS1", None, 0),
        ("South", "ESME", 7), ("South", "GSME", 1), ("South", None, 8)]


def test_cos_failures_by_final_code(outcomes_db):
    assert metric(outcomes_db, "cos.failures", category="E20") == 1    # c3
    assert metric(outcomes_db, "cos.failures", category="E21") == 2    # c4, c8
    assert metric(outcomes_db, "cos.failures", category="none") == 1   # c5
    assert metric(outcomes_db, "cos.failures", category="I0") == 1     # c6
    assert query(outcomes_db, "select sum(value) from metrics.pmr_metrics where metric_id = 'cos.failures'") == [(5.0,)]


# --- B1 / B2 -----------------------------------------------------------------------------

def test_billing(outcomes_db):
    # 5.1: b1 I0, b2 I99 only (Non-Device: success), b3 no response; b4 rejected -> 2 / 3
    assert metric(outcomes_db, "billing.pct_schedule_success") == approx(200 / 3)
    assert metric(outcomes_db, "billing.schedules") == 3
    # 4.6.1 with execution_at: r1 10 s, r3 E21 after 1 h, r5 exactly 24 h in time; r2 25 h, r4 never late;
    # r6 rejected -> 3 / 5
    assert metric(outcomes_db, "billing.pct_read_within_24h") == approx(60.0)
    assert metric(outcomes_db, "billing.scheduled_reads") == 5
    # On-Demand 4.6.1: o1 o4 succeed, o2 E21, o3 named by N12 -> 2 / 4
    assert metric(outcomes_db, "billing.pct_on_demand_read_success") == approx(50.0)
    assert metric(outcomes_db, "billing.on_demand_reads") == 4


def test_billing_request_by_request(outcomes_db):
    """The rows behind the B1 and B2 figures (the comments of test_billing): b4 and r6
    were rejected and are not there; a scheduled read answered within the window,
    success or not, counts; the flag is null for the other requests."""
    rows = query(outcomes_db, "select request_id, is_schedule, is_scheduled_read, is_on_demand_read, is_success, "
                            "is_answered_within_window from intermediate.int_billing_requests order by request_id")
    assert rows == [
        ("b1", True, False, False, True, None),
        ("b2", True, False, False, True, None),
        ("b3", True, False, False, False, None),
        ("o1", False, False, True, True, None),
        ("o2", False, False, True, False, None),
        ("o3", False, False, True, False, None),
        ("o4", False, False, True, True, None),
        ("r1", False, True, False, True, True),
        ("r2", False, True, False, True, False),
        ("r3", False, True, False, False, True),
        ("r4", False, True, False, False, False),
        ("r5", False, True, False, True, True),
    ]


# --- PP1 ---------------------------------------------------------------------------------

def test_topup_success_by_segment_and_device_type(outcomes_db):
    # October deliverable 2.2: South ESME a1 b1x b2x c1x c2x c3x c4x d1x d2x e1x e3x (5 succeed),
    # South GSME f1x (N12) f2x, North GSME g2x g3x, Central h1x, SMETS1 i1x (no response).
    # g1x is September, i2x November, e2x rejected.
    assert metric(outcomes_db, "pp.pct_success", segment="South") == approx(600 / 13)
    assert metric(outcomes_db, "pp.pct_success", segment="South", device_type="ESME") == approx(500 / 11)
    assert metric(outcomes_db, "pp.pct_success", segment="South", device_type="GSME") == approx(50.0)
    assert metric(outcomes_db, "pp.pct_success", segment="North") == approx(50.0)
    assert metric(outcomes_db, "pp.pct_success", segment="Central") == approx(0.0)
    assert metric(outcomes_db, "pp.pct_success", segment="All") == approx(700 / 17)
    assert metric(outcomes_db, "pp.pct_success", segment="All", device_type="GSME") == approx(50.0)  # f2x g3x / 4
    assert metric(outcomes_db, "pp.pct_success", segment="All", device_type="ESME") == approx(500 / 13)
    assert metric(outcomes_db, "pp.successes", segment="South") == 6
    assert metric(outcomes_db, "pp.failures", segment="South") == 7
    assert metric(outcomes_db, "pp.successes", segment="Central") == 0
    assert metric(outcomes_db, "pp.failures", segment="SMETS1") == 1
    assert metric(outcomes_db, "pp.successes", segment="All") == 7
    assert metric(outcomes_db, "pp.failures", segment="All") == 10
    # the population of each share: deliverable 2.2 requests by segment and device type (0 where a type with
    # requests elsewhere has none)
    assert metric(outcomes_db, "pp.requests", segment="South", device_type="ESME") == 11
    assert metric(outcomes_db, "pp.requests", segment="South", device_type="GSME") == 2
    assert metric(outcomes_db, "pp.requests", segment="North", device_type="ESME") == 0
    assert metric(outcomes_db, "pp.requests", segment="All", device_type="GSME") == 4
    assert metric(outcomes_db, "pp.requests", segment="All", device_type="ESME") == 13
    assert metric(outcomes_db, "pp.requests", segment="All") == 17


def test_topup_attempt_chains(outcomes_db):
    # October chains: A a1 -> 1; B b1x b2x -> 2; H h1x (another User on P2) -> never;
    # C c1x c2x c3x -> 3+; C' c4x (after a success) -> never; D1 d1x -> never; D2 d2x (25 h gap) -> 1;
    # E e1x e3x (e2x rejected, not an attempt) -> 2; F f1x (N12) f2x -> 2; I i1x i2x (November) -> 2.
    # G started 30 September (BST): September's chain, not counted. 10 chains.
    assert metric(outcomes_db, "pp.attempts", category="1") == approx(20.0)       # A, D2
    assert metric(outcomes_db, "pp.attempts", category="2") == approx(40.0)       # B, E, F, I
    assert metric(outcomes_db, "pp.attempts", category="3+") == approx(10.0)      # C
    assert metric(outcomes_db, "pp.attempts", category="never") == approx(30.0)   # C', D1, H
    assert metric(outcomes_db, "pp.chains") == 10
    chains = query(outcomes_db, "select count(*) from intermediate.int_topup_chains where is_in_period")
    assert chains == [(10,)]
    september = query(outcomes_db, "select attempts, outcome, is_in_period from intermediate.int_topup_chains "
                      "where device_key = 'P7'")
    assert september == [(3, "3+", False)]  # g1x g2x g3x


def test_topup_failure_reasons(outcomes_db):
    # b1x c1x c4x d1x e1x g2x h1x E21; c2x E20; f1x I0 (N12); i1x none
    assert metric(outcomes_db, "pp.failure_reasons", category="E21") == 7
    assert metric(outcomes_db, "pp.failure_reasons", category="E20") == 1
    assert metric(outcomes_db, "pp.failure_reasons", category="I0") == 1
    assert metric(outcomes_db, "pp.failure_reasons", category="none") == 1


def test_non_communicating_devices(outcomes_db):
    # devices with deliverable 4.6.1 in October: South DR1 (ok) DR2 (ok, late) DR3 (E21 twice: not ok);
    # North DR4 (no response: not ok) DR5 (ok); SMETS1 DR6 (N12: not ok) DR7 (ok); DR8 only rejected
    assert metric(outcomes_db, "pp.pct_non_communicating", segment="South") == approx(100 / 3)
    assert metric(outcomes_db, "pp.pct_non_communicating", segment="North") == approx(50.0)
    assert metric(outcomes_db, "pp.pct_non_communicating", segment="SMETS1") == approx(50.0)
    assert metric(outcomes_db, "pp.pct_non_communicating", segment="All") == approx(300 / 7)
    assert no_row(outcomes_db, "pp.pct_non_communicating", segment="Central")
    # the population: DR1-DR3, DR4-DR5, DR6-DR7 (DR8 was only rejected)
    assert [metric(outcomes_db, "pp.devices_read", segment=s) for s in ("South", "North", "SMETS1", "All")] == \
        [3, 2, 2, 7]



def test_non_communicating_device_by_device(outcomes_db):
    """The rows behind pp.pct_non_communicating: DR1 read twice (r1, r5), DR3 twice
    without success (r3, o2 E21); DR8 was only rejected."""
    rows = query(outcomes_db, "select segment, device_id, reads, successful_reads, is_non_communicating, "
                            "last_successful_read_received_at is not null from intermediate.int_devices_read "
                            "order by device_id")
    assert rows == [
        ("South", "DR1", 2, 2, False, True),
        ("South", "DR2", 1, 1, False, True),
        ("South", "DR3", 2, 0, True, False),
        ("North", "DR4", 1, 0, True, False),
        ("North", "DR5", 1, 1, False, True),
        ("SMETS1", "DR6", 1, 0, True, False),
        ("SMETS1", "DR7", 1, 1, False, True),
    ]
    assert no_row(outcomes_db, "pp.devices_read", segment="Central")


# --- DF1-DF3, CH1, CH2 ----------------------------------------------------------------------

def test_device_firmware_journey(outcomes_db):
    # deliverable 11.1: f1 f2 f3 f4 f5 f6 f9 (f8 rejected); delivered within 5 days: f1 f3 f4 f5 f9
    assert metric(outcomes_db, "fw.pct_delivered") == approx(500 / 7)
    assert (metric(outcomes_db, "fw.requested"), metric(outcomes_db, "fw.delivered")) == (7, 5)
    # of the 5 delivered: f1 f5 verified (f5's 8F72 counts though suppressed, and wins over its 8F1C);
    # f3 8F1C; f4 (8F72 after 5 days) and f9 (another device's 8F72) no alert
    assert metric(outcomes_db, "fw.pct_verified") == approx(40.0)
    assert metric(outcomes_db, "fw.pct_verification_failed") == approx(20.0)
    assert metric(outcomes_db, "fw.pct_no_verification_alert") == approx(40.0)
    # 11.3 signed: t2 t3 I0, t4 E21, t6 no response (t1 Transform, t5 rejected) -> 2 / 4
    assert metric(outcomes_db, "fw.pct_activated") == approx(50.0)
    assert metric(outcomes_db, "fw.activation_requests") == 4
    # the failure responses (the seed's DF3), and the one without a final response
    failures = query(outcomes_db, "select category, value from metrics.pmr_metrics "
                     "where metric_id = 'fw.activation_failures' order by category")
    assert failures == [("E21", 1.0), ("none", 1.0)]


def test_devices_without_a_verification_alert_are_recorded(outcomes_db):
    # DF2's record: the delivered images with no alert, f4 (its 8F72 came 5 days and an hour after the final
    # response, 03 Oct 11:00Z) and f9 (the 8F72 at 12:00 was F1's); not f2 (not delivered) nor f6 (failed)
    assert query(outcomes_db, "select request_id, device_id, segment, verification_due_by "
                 "from marts.pmr_firmware_without_verification order by request_id") == [
        ("f4", "F4", "South", dt.datetime(2026, 10, 8, 11, 0)), ("f9", "F9", "South", dt.datetime(2026, 10, 10, 11, 0))]
    assert query(outcomes_db, "select no_verification_alert from marts.pmr_firmware") == [(2,)]


def test_the_report_counts_the_devices_without_a_verification_alert_and_says_where_they_are(outcomes_db):
    import duckdb

    from reports.charts import ChartEmbedder
    from reports.context import ReportContext
    from reports.sections import outcomes

    con = duckdb.connect(str(outcomes_db), read_only=True)
    try:
        ctx = ReportContext(month="2026-10", con=con, metrics=con.execute("select * from metrics.pmr_metrics").df(),
                            catalogue=con.execute("select * from metrics.metric_catalogue").df())
        html = outcomes._firmware(ctx, ChartEmbedder())
    finally:
        con.close()
    assert ("<p>2 delivered firmware images had no verification alert (8F72 or 8F1C) from the device within 5 days of "
            "delivery") in html
    assert 'pmr sql "select * from pmr_firmware_without_verification"' in html
    assert "F4" not in html and "F9" not in html  # no device id on the page
    # DF3's failure responses: t4 E21 and t6 with none, of the 4 deliverable 11.3 requests
    failures = html.split("Firmware activations (11.3) not successful, by final response, all segments, of the 4 "
                          "deliverable 11.3 requests", 1)[1].split("</table>", 1)[0]
    assert "<tr><th scope=row>E21</th><td>No response received from the device</td><td>1</td></tr>" in failures
    assert "<tr><th scope=row>none</th><td>no final response</td><td>1</td></tr>" in failures


def test_hub_firmware(outcomes_db):
    # October: delivered CH1 CH2 CH3 (23:30 GMT on the 31st), failed CH4; CH5 is September -> 3 / 4
    assert metric(outcomes_db, "chfw.pct_delivered") == approx(75.0)
    assert metric(outcomes_db, "chfw.deliveries") == 4
    # activated CH1 CH3, failed CH2 CH7; CH6 is November -> 2 / 4
    assert metric(outcomes_db, "chfw.pct_activated") == approx(50.0)
    assert metric(outcomes_db, "chfw.activation_outcomes") == 4


# --- the contract -------------------------------------------------------------------------

OUTCOME_MODELS = ["metric_installs", "metric_change_of_supplier", "metric_billing", "metric_prepayment",
                  "metric_firmware", "metric_hub_firmware"]


def test_kinds_and_requirements_follow_the_seed(outcomes_db):
    rows = dict(query(outcomes_db, "select metric_id, kind || ' ' || requirement from metrics.metric_catalogue "
                      "where model in (" + ", ".join(f"'{m}'" for m in OUTCOME_MODELS) + ")"))
    assert rows == {
        "ic.pct_trt_missed": "measure IC1", "ic.requests": "indicator IC1", "ic.installs": "indicator IC1", "ic.installs_predicted": "indicator IC1",
        "ic.install_and_commission": "indicator IC1", "ic.install_and_leave": "indicator IC1",
        "ic.deviation": "indicator IC2", "ic.major_incidents_open": "indicator IC2",
        "cos.pct_success": "measure CoS1", "cos.requests": "indicator CoS1", "cos.failures": "indicator CoS1",
        "billing.pct_schedule_success": "measure B1", "billing.pct_read_within_24h": "measure B1",
        "billing.pct_on_demand_read_success": "measure B2", "billing.schedules": "indicator B1",
        "billing.scheduled_reads": "indicator B1", "billing.on_demand_reads": "indicator B2",
        "pp.pct_success": "measure PP1", "pp.requests": "indicator PP1", "pp.successes": "indicator PP1", "pp.failures": "indicator PP1",
        "pp.attempts": "indicator PP1", "pp.chains": "indicator PP1", "pp.failure_reasons": "indicator PP1",
        "pp.pct_non_communicating": "indicator PP1", "pp.devices_read": "indicator PP1",
        "fw.pct_delivered": "measure DF1", "fw.pct_verified": "indicator DF2",
        "fw.pct_verification_failed": "indicator DF2", "fw.pct_no_verification_alert": "indicator DF2",
        "fw.pct_activated": "indicator DF3", "chfw.pct_delivered": "indicator CH1", "chfw.pct_activated": "indicator CH2",
        "fw.requested": "indicator DF1", "fw.delivered": "indicator DF2", "fw.activation_requests": "indicator DF3",
        "fw.activation_failures": "indicator DF3",
        "chfw.deliveries": "indicator CH1", "chfw.activation_outcomes": "indicator CH2",
    }


def test_one_row_per_figure_and_only_the_period(outcomes_db):
    dims = "metric_id, day, business_process, segment, device_type, service, time_band, category"
    duplicates = query(outcomes_db, f"select {dims}, count(*) from metrics.pmr_metrics group by all having count(*) > 1")
    assert duplicates == []
    outside = query(outcomes_db, "select count(*) from metrics.pmr_metrics where period <> ? or "
                    "(day is not null and strftime(day, '%Y-%m') <> ?)", [MONTH, MONTH])
    assert outside == [(0,)]


def test_unit_tests_of_the_chain_correction_and_forecast_logic(outcomes_db):
    result = run_dbt(["test", "--select", "test_type:unit,path:models/intermediate/outcomes",
                      "test_type:unit,path:models/marts/outcomes"], outcomes_db, period=MONTH)
    unit_tests = [r for r in result.results if r["unique_id"].startswith("unit_test.")]
    assert result.ok, result.log_tail
    # every one of the two files, so one renamed or dropped (or a path filter that misses) shows
    assert sorted(r["unique_id"].rsplit(".", 1)[1] for r in unit_tests) == [
        "cos_failures_corrected_by_the_same_user_within_7_days", "install_forecast_deviation_and_degraded_flag",
        "topup_chain_outcomes_and_their_month", "topup_chains_join_after_failures_within_24h"]
