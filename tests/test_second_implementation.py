"""The published figures of a random landing against a second implementation.

tests/random_landing.py throws hundreds of rows on the edges of the definitions
together (seed below); tests/second_implementation.py, second_implementation_rsvp.py,
second_implementation_installs.py and second_implementation_inferred.py work their
figures out again in plain Python from metrics.md and the decision log.
Every figure of the families below must agree with them, to the last bits of a double.
The hand-made tests pin one case per row; this one finds the cases that only go wrong
together.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests import second_implementation as second
from tests import second_implementation_inferred as second_inferred
from tests import second_implementation_installs as second_installs
from tests import second_implementation_rsvp as second_rsvp
from tests.helpers import read_csv_rows
from tests.random_landing import write_random_landing

MONTH = "2026-10"
SEED = 5


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """October 2026 from the random landing, published (some days have no alert, so
    the month is published as incomplete) with the figures of metrics.csv by key."""
    from pmr import pipeline

    root = tmp_path_factory.mktemp("random_month")
    landing = write_random_landing(root / "landing", SEED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "publication_clock", lambda: dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone.utc))
        link = pipeline.run_month(MONTH, landing, root / "out", db=root / "w.duckdb", allow_missing_days=True)
    published = {second.figure_key(row): float(row["value"]) if row["value"] else None
                 for row in read_csv_rows(link / "metrics.csv")}
    return {"landing": landing, "published": published, "requests": second.Requests(landing), "db": root / "w.duckdb"}


def test_rsvp(month):
    expected = second_rsvp.rsvp(month["requests"], month["landing"])
    ids = {"rsvp.volume", "rsvp.rejected", "rsvp.mean_rtt_s", "rsvp.median_rtt_s", "rsvp.min_rtt_s", "rsvp.max_rtt_s",
           "rsvp.pct_within_trt", "rsvp.pct_failed", "rsvp.mean_rtt_excl_han_s"}
    assert second.disagreements(month["published"], expected, ids) == []
    # every process's month and days, and requests on both sides of their target
    assert sum(k[0] == "rsvp.volume" for k in expected) == 48 * 32
    assert 0 < expected[("rsvp.pct_within_trt", "in_life_device_management", "All")] < 100


def test_alerts(month):
    expected = second_rsvp.alerts(month["landing"])
    ids = {"alerts.pct_within_sla", "alerts.late", "alerts.counted", "alerts.suppressed"}
    assert second.disagreements(month["published"], expected, ids) == []
    assert 0 < expected[("alerts.pct_within_sla", "All")] < 100


def test_prepayment(month):
    expected = second.prepayment(month["requests"]) | second.non_communicating(month["requests"])
    ids = {"pp.successes", "pp.failures", "pp.pct_success", "pp.requests", "pp.failure_reasons", "pp.chains",
           "pp.attempts", "pp.devices_read", "pp.pct_non_communicating"}
    assert second.disagreements(month["published"], expected, ids, counts={"pp.requests"}) == []
    # the chains reach every outcome, so each rule of joining and ending one was used
    assert all(expected[("pp.attempts", category)] > 0 for category in ("1", "2", "3+", "never"))
    assert 0 < expected[("pp.pct_non_communicating", "All")] < 100


def test_change_of_supplier(month):
    expected = second.change_of_supplier(month["requests"])
    ids = {"cos.pct_success", "cos.requests", "cos.failures"}
    assert second.disagreements(month["published"], expected, ids, counts={"cos.requests"}) == []
    assert 0 < expected[("cos.pct_success", "All")] < 100


def test_firmware(month):
    expected = second.firmware(month["requests"], month["landing"])
    shares = {"fw.pct_delivered", "fw.pct_verified", "fw.pct_verification_failed", "fw.pct_no_verification_alert",
              "fw.pct_activated"}
    ids = shares | {"fw.requested", "fw.delivered", "fw.activation_requests", "fw.activation_failures"}
    assert second.disagreements(month["published"], expected, ids) == []
    assert all(0 < expected[(i,)] < 100 for i in shares)


def test_hub_firmware(month):
    expected = second.hub_firmware(month["landing"])
    ids = {"chfw.pct_delivered", "chfw.pct_activated", "chfw.deliveries", "chfw.activation_outcomes"}
    assert second.disagreements(month["published"], expected, ids) == []
    assert 0 < expected[("chfw.pct_delivered",)] < 100 and 0 < expected[("chfw.pct_activated",)] < 100


def test_installs(month):
    expected = (second_installs.install_trt(month["requests"])
                | second_installs.installs(month["requests"], month["landing"]))
    counts = {"ic.requests", "ic.installs", "ic.install_and_commission", "ic.install_and_leave"}
    ids = counts | {"ic.pct_trt_missed", "ic.installs_predicted", "ic.deviation"}
    assert second.disagreements(month["published"], expected, ids, counts=counts) == []
    # days with a forecast and days without (a reference day without data), and a monthly forecast for none
    forecasts = [k for k in expected if k[0] == "ic.installs_predicted"]
    assert 0 < len(forecasts) < 5 * 31 and not any(len(k) == 2 for k in forecasts)
    assert any(v < 0 for k, v in expected.items() if k[0] == "ic.deviation")


def test_billing(month):
    expected = second.billing(month["requests"])
    shares = {"billing.pct_schedule_success", "billing.pct_on_demand_read_success", "billing.pct_read_within_24h"}
    ids = shares | {"billing.schedules", "billing.scheduled_reads", "billing.on_demand_reads"}
    assert second.disagreements(month["published"], expected, ids) == []
    assert all(0 < expected[(i,)] < 100 for i in shares)


def test_availability_and_reliability(month):
    expected = second.availability(month["landing"])
    ids = {"availability.pct", "availability.unplanned_downtime_h", "availability.excluded_planned_h",
           "availability.planned_over_cap_h", "reliability.outages", "reliability.mttr_h", "reliability.mtbf_h"}
    assert second.disagreements(month["published"], expected, ids) == []
    # 5 services x 4 views x (month, 2 bands, 31 days), and the cap was passed somewhere
    assert sum(k[0] == "availability.pct" for k in expected) == 5 * 4 * 34
    assert max(v for k, v in expected.items() if k[0] == "availability.planned_over_cap_h") > 0


def test_incidents(month):
    expected = second.incidents(month["landing"])
    ids = {"reliability.incidents", "reliability.incidents_all", "ic.major_incidents_open", "cpm5.closed",
           "cpm5.raised", "cpm5.response_met", "cpm5.resolution_met", "cpm5.pct_response_met",
           "cpm5.pct_resolution_met", "cpm5.mean_resolution_h", "cpm5.median_resolution_h"}
    assert second.disagreements(month["published"], expected, ids) == []
    assert all(expected[("cpm5.closed", c)] > 0 for c in ("3", "4", "5"))
    # targets met and missed by a second in each category
    assert all(0 < expected[(f"cpm5.pct_{kind}_met", c)] < 100 for c in ("3", "4", "5")
               for kind in ("response", "resolution"))


def test_inferred_outages_on_sparse_traffic(month):
    # A few requests a day: most buckets expect none, none is low and no spell is found;
    # the buckets still run from the first request to the last, the clock change included
    import duckdb

    con = duckdb.connect(str(month["db"]), read_only=True)
    try:
        buckets, spells, counts = second_inferred.inferred_outages(con, MONTH)
        built_buckets, built_spells, published = second_inferred.as_built(con)
    finally:
        con.close()
    assert built_buckets == buckets and len(buckets) == 5 * (31 * 144 + 6)
    assert not any(low for *_, low in buckets.values())
    assert built_spells == spells == [] and published == counts == dict.fromkeys(second.SEGMENTS, 0)
