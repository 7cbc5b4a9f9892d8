"""Means and sums of durations are exact (decision log: "Each duration is exact to the
microsecond", "Means are summed exactly"): durations of 0.1, 0.2 and 0.3 s, whose
doubles add up to a different last digit depending on the order rows arrive in.

One warehouse for the three checks (each build costs a minute): the RTTs are of
top-ups on Wed 7 October, the outages on the DCC User Interface on Tue 13 October
and the incidents of category 3 on 1-3 October, so none of them enters another's
figure."""

import pytest

from tests.helpers import build_warehouse, metric, query, write_csv
from tests.rsvp_landing import MONTH, at, request, response
from tests.test_availability import monthly, outage
from tests.test_cpm5 import incident

RTT_REQUESTS = ["X1", "X2", "X3"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("exact")
    landing = root / "landing"
    # X1, X2, X3 at 10:00, 11:00 and 12:00, answered 0.1, 0.2 and 0.3 s later
    sent = [f"2026-10-07T1{i}:00:00Z" for i in range(3)]
    write_csv(landing, "service_requests", [request(rid, t) for rid, t in zip(RTT_REQUESTS, sent)])
    write_csv(landing, "service_responses", [response(rid, at(t, 0.1 * (i + 1)), "I0")
                                             for i, (rid, t) in enumerate(zip(RTT_REQUESTS, sent))])
    write_csv(landing, "outages", [
        outage("S1", "dui_gateway", "2026-10-13T10:00:00.000Z", "2026-10-13T10:00:00.100Z"),
        outage("S2", "dui_gateway", "2026-10-13T11:00:00.000Z", "2026-10-13T11:00:00.200Z"),
        outage("S3", "dui_gateway", "2026-10-13T12:00:00.000Z", "2026-10-13T12:00:00.300Z"),
    ])
    # resolved 6, 12 and 18 minutes after being raised: 0.1, 0.2 and 0.3 h
    write_csv(landing, "incidents", [
        incident(f"m{i}", 3, f"2026-10-0{i}T10:00:00Z", f"2026-10-0{i}T10:01:00Z",
                 f"2026-10-0{i}T10:{6 * i:02d}:00Z", f"2026-10-0{i}T11:00:00Z")
        for i in (1, 2, 3)
    ])
    db = root / "w.duckdb"
    build_warehouse(landing, db, MONTH)
    return db


def test_rtts_are_exact_to_the_microsecond(warehouse):
    """The mean RTT is 0.2 exactly. Averaging the doubles of epoch differences gives
    0.1999999682108561, and over millions of rows its last digits depend on the order
    the threads add them, so metrics.csv would not be byte-identical on a re-run. Each
    RTT is exact too: a difference of epoch seconds as doubles (about 1.8e9) is off by
    up to 2.4e-7 s, so the minimum read 0.10000014305114746."""
    assert metric(warehouse, "rsvp.mean_rtt_s", business_process="prepayment_top_up", segment="North") == 0.2
    assert metric(warehouse, "rsvp.mean_rtt_s", day="2026-10-07", business_process="prepayment_top_up",
                  segment="All") == 0.2
    for name, exact in (("min_rtt_s", 0.1), ("median_rtt_s", 0.2), ("max_rtt_s", 0.3)):
        assert metric(warehouse, f"rsvp.{name}", business_process="prepayment_top_up", segment="North") == exact, name


def test_downtime_is_summed_exactly(warehouse):
    """0.6 s of unplanned downtime is exactly 0.01 minutes. Adding the doubles of epoch
    differences gave 0.009999998410542806 (epoch seconds near 1.8e9 carry about 0.2 us
    of rounding each), its last digits depending on the order the rows arrive."""
    m = monthly(warehouse, "dcc_user_interface", "All")
    assert (m["unplanned"], m["outages"]) == (0.01, 3)
    assert query(
        warehouse,
        """select unplanned_downtime_min from marts.pmr_availability_daily
           where period = ? and uk_date = date '2026-10-13' and service = 'dcc_user_interface' and segment = 'All'""",
        [MONTH],
    ) == [(0.01,)]


def test_mean_resolution_is_exact(warehouse):
    """The mean resolution time is 0.2 h exactly. avg() over the doubles gives
    0.20000000000000004 or 0.19999999999999998 depending on the order the rows
    arrive, which changes from run to run."""
    assert metric(warehouse, "cpm5.mean_resolution_h", category="3") == 0.2


def test_a_percentage_is_one_division_and_a_share_of_nothing_is_no_figure(tmp_path):
    """percent_of: 100 x 1 / 3 is the double of one division of exact operands, as Python
    divides; over 0 (or NULL) it is NULL, where DuckDB's own division gives NaN for 0 / 0
    and infinity for 1 / 0 (decision log: "A division by 0 is no figure")."""
    import json

    from pmr.dbt_runner import run_dbt

    sql = ("select {{ percent_of('1', '3') }} as third, {{ percent_of('0', '0') }} as zero_of_zero, "
           "{{ percent_of('1', '0') }} as one_of_zero, {{ percent_of('1', 'cast(null as bigint)') }} as of_null")
    shown = run_dbt(["show", "--inline", sql, "--output", "json", "--quiet"], tmp_path / "w.duckdb")
    assert shown.ok, shown.log_tail
    row, = json.loads(shown.log_tail[shown.log_tail.index("{"):])["show"]
    assert row == {"third": 100 / 3, "zero_of_zero": None, "one_of_zero": None, "of_null": None}
