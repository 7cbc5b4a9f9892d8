"""The publication gate (pmr.gate + expectations/): the expectation suites run on small
hand-made warehouses (no dbt, tests/gate_warehouse.py), one broken rule at a time.
The period checks (days with data, data after the month): test_gate_period.py. A
blocked `pmr run` end to end: test_orchestration.py."""

import duckdb
import pytest

from expectations.suites import SRV_CHECK
from pmr import gate
from pmr.gate import DELIVERY_CHECK
from tests.gate_warehouse import default_figures, evaluate, failed, make_warehouse


def test_a_consistent_month_passes_every_check(tmp_path):
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb"))
    assert failed(checks) == {}
    assert "rsvp: volume reconciles with staging" in checks
    assert "accounting: quarantined share within limit" in checks
    assert all(c.detail for c in checks.values())


def test_each_suite_says_how_many_expectations_on_how_many_rows():
    """One expectation on one row reads so, not "1 expectations on 1 rows"."""
    import great_expectations.expectations as gxe
    import pandas as pd

    from expectations.runner import Rule, validate

    def rule(name, column):
        return Rule(name, gxe.ExpectColumnValuesToNotBeNull(column=column), True, f"{column} present", "rows")

    lines = []
    one = validate("one", pd.DataFrame({"x": [1]}), [rule("one: x", "x")], "x", progress=lines.append)
    two = validate("two", pd.DataFrame({"x": [1, 2], "y": [3, 4]}), [rule("two: x", "x"), rule("two: y", "y")], "x",
                   progress=lines.append)
    assert lines == ["checks: expectation suite 'one' (1 expectation on 1 row)",
                     "checks: expectation suite 'two' (2 expectations on 2 rows)"]
    assert [c.passed for c in one + two] == [True, True, True]


def test_a_suite_refuses_a_check_gx_would_not_run():
    """GX keeps one of two equal expectations: the second check would never run, and
    the gate would pass without it."""
    import great_expectations.expectations as gxe
    import pandas as pd

    from expectations.runner import Rule, validate

    def rule(name):
        return Rule(name, gxe.ExpectColumnValuesToNotBeNull(column="x"), True, "x present", "rows")

    with pytest.raises(ValueError, match=r"^expectation suite 'twice': checks named twice \(none\) or holding the "
                                         r"same expectation as another, which GX runs once \(twice: x again\)$"):
        validate("twice", pd.DataFrame({"x": [1]}), [rule("twice: x"), rule("twice: x again")], "x")
    with pytest.raises(ValueError, match=r"checks named twice \(named: x\)"):
        validate("named", pd.DataFrame({"x": [1]}), [rule("named: x"), rule("named: x")], "x")


def _with(figures, metric_id, segment, **changes):
    out = []
    for f in figures:
        f = dict(f)
        if f["metric_id"] == metric_id and f.get("segment") == segment and f.get("day") is None:
            f.update(changes)
        out.append(f)
    return out


@pytest.mark.parametrize(
    ("change", "check", "named"),
    [
        (dict(metric_id="rsvp.pct_within_trt", segment="North", value=101.5), "metrics: pct within 0-100",
         "rsvp.pct_within_trt[business_process=prepayment_top_up, segment=North] (pct_value=101.5)"),
        (dict(metric_id="rsvp.mean_rtt_s", segment="South", value=-3.0), "metrics: durations not negative",
         "segment=South"),
        (dict(metric_id="rsvp.volume", segment="SMETS1", value=1.5), "metrics: counts whole", "segment=SMETS1"),
        (dict(metric_id="rsvp.pct_within_trt", segment="All", kind="gauge"), "metrics: kind", "kind=gauge"),
        (dict(metric_id="rsvp.mean_rtt_s", segment="North", period="2026-09"), "metrics: period",
         "period=2026-09"),
    ],
)
def test_a_broken_figure_blocks(tmp_path, change, check, named):
    metric_id, segment = change.pop("metric_id"), change.pop("segment")
    figures = _with(default_figures(), metric_id, segment, **change)
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert check in failed(checks), checks
    assert checks[check].blocking
    assert named in checks[check].detail


def test_a_figure_that_is_not_a_number_blocks(tmp_path):
    """DuckDB's 0 / 0 is NaN and 1 / 0 infinity: NaN is outside no range (pandas reads it
    as missing) and infinity is not a negative duration, so only this check refuses them."""
    figures = _with(default_figures(), "rsvp.pct_within_trt", "North", value=float("nan"))
    figures = _with(figures, "rsvp.mean_rtt_s", "South", value=float("inf"))
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert set(failed(checks)) == {"metrics: values are numbers"}
    check = checks["metrics: values are numbers"]
    assert check.blocking
    # 5 segments x 3 monthly figures, 2 daily volumes, 2 availability.pct and cos.requests: 20 figures
    assert check.detail.endswith(
        ": 2 of 20 fail: rsvp.mean_rtt_s[business_process=prepayment_top_up, segment=South] (value=inf); "
        "rsvp.pct_within_trt[business_process=prepayment_top_up, segment=North] (value=NaN)"), check.detail


@pytest.mark.parametrize(("metric_id", "segment", "change", "also_failed"), [
    # the misspelt process has RSVP figures in North only
    ("rsvp.mean_rtt_s", "North", dict(business_process="prepayment_topup"), {"rsvp: segments complete"}),
    ("availability.pct", "North", dict(service="dcc_ui"), set()),
    ("availability.pct", "North", dict(time_band="Active"), set()),
    ("cos.requests", "All", dict(device_type="gsme"), set()),
])
def test_a_breakdown_value_outside_its_list_blocks(tmp_path, metric_id, segment, change, also_failed):
    """A misspelt key is a figure of no process, service, device type or band the report
    knows; the default figures hold one known value of each (metrics.md §8)."""
    figures = _with(default_figures(), metric_id, segment, **change)
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert set(failed(checks)) == {"metrics: breakdowns known", *also_failed}
    check = checks["metrics: breakdowns known"]
    assert check.blocking
    (column, value), = change.items()
    # business_process on 5 x 3 + 2 figures, segment North's availability.pct and cos.requests: 19 of 20
    assert ": 1 of 19 fail: " in check.detail and f"{column}={value}" in check.detail.split(" fail: ")[1], check.detail


def test_a_count_with_decimals_says_what_to_change(tmp_path):
    """A median declared in unit count: the unit, or `fractional: true` for a mean of counts."""
    figures = _with(default_figures(), "rsvp.volume", "SMETS1", value=4.509)
    detail = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))["metrics: counts whole"].detail
    assert "a duration is in s, min or h; a mean of counts or a forecast is declared fractional: true" in detail


def test_a_declared_id_without_figures_warns(tmp_path):
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", declared_without_figures=("alerts.never_returned",)))
    check = checks["metrics: every declared id has figures"]
    assert not check.passed and not check.blocking
    # the five ids of default_figures() (rsvp.volume, rsvp.pct_within_trt, rsvp.mean_rtt_s, availability.pct,
    # cos.requests) and it
    assert check.detail.endswith(": 1 of 6 fail: alerts.never_returned")


def test_a_duplicate_figure_blocks(tmp_path):
    figures = default_figures()
    figures.append(dict(figures[0]))
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert "metrics: one row per figure" in failed(checks)
    assert "rsvp.volume[business_process=prepayment_top_up, segment=North] (model=metric_test)" in checks[
        "metrics: one row per figure"].detail


def test_a_missing_segment_blocks(tmp_path):
    figures = [f for f in default_figures() if f.get("segment") != "Central"]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert "rsvp: segments complete" in failed(checks)
    assert "prepayment_top_up / Central" in checks["rsvp: segments complete"].detail
    # the reconciliation notices too: three segments no longer add up to All
    assert "rsvp: segment volumes add up to All" in failed(checks)


def test_smets1_is_not_required_where_no_srv_applies_to_smets1(tmp_path):
    # device_certificate_update has only SRV 6.15.2, which does not apply to SMETS1
    figures = [
        dict(metric_id="rsvp.volume", unit="count", value=0.0, business_process="device_certificate_update",
             segment=s)
        for s in ("North", "Central", "South", "All")
    ]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures, requests=[]))
    assert checks["rsvp: segments complete"].passed
    # no request at all in this warehouse: blocking, and a warning naming the source
    assert set(failed(checks)) == {"period: the month has data", DELIVERY_CHECK}


def test_volume_must_reconcile_with_the_staged_requests(tmp_path):
    figures = _with(default_figures(), "rsvp.volume", "All", value=8.0)
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    check = checks["rsvp: volume reconciles with staging"]
    assert not check.passed and check.blocking
    assert "prepayment_top_up (reported=8, staged=7)" in check.detail


def test_staged_traffic_without_a_published_volume_blocks(tmp_path):
    requests = [("X1", "2026-10-05T09:00:00", "6.15.2", 1, "ESME", "SMETS2", "North")]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests))
    detail = checks["rsvp: volume reconciles with staging"].detail
    assert "device_certificate_update (reported=empty, staged=1)" in detail


def test_a_month_without_requests_or_alerts_blocks(tmp_path):
    """The requests all fall in September (S1 at 23:30 BST on the 30th) and the only
    alert in November: nothing of October is left to report on."""
    requests = [("S1", "2026-09-30T22:30:00", "2.2", 1, "ESME", "SMETS2", "North")]
    alerts = [("A1", "8F0A", "2026-11-01T00:30:00", False)]  # 00:30 GMT, 1 November
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, alerts=alerts, figures=[]))
    check = checks["period: the month has data"]
    assert not check.passed and check.blocking
    assert "alerts" in check.detail and "service_requests" in check.detail
    assert "service_responses" not in check.detail


def test_accounting_identity_and_quarantine_share(tmp_path):
    accounting = [
        ("service_requests", "service_requests/a.csv", "csv", "loaded", None, 100, 50, 0, 40),  # 10 rows lost
        ("alerts", "alerts/a.csv", "csv", "loaded", None, 1000, 990, 0, 10),  # 1%: at the limit, passes
        ("incidents", "incidents/a.csv", "csv", "skipped", "file skipped: unreadable csv file", 0, 0, 0, 0),
        ("outages", "outages/empty.csv", "csv", "loaded", None, 0, 0, 0, 0),  # an empty extract is fine
        ("service_requests", "service_requests/b.csv", "csv", "skipped", "file skipped: missing required column srv", 3,
         0, 0, 3),
    ]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", accounting=accounting, uncounted={"incidents/a.csv"}))
    problems = failed(checks)
    assert "service_requests/a.csv (rows_read=100, accepted=50, duplicates=0, quarantined=40)" in problems[
        "accounting: rows read = accepted + duplicates + quarantined"].detail
    share = problems["accounting: quarantined share within limit"]
    assert share.blocking and "service_requests" in share.detail and "alerts" not in share.detail
    zero = problems["accounting: every source with data has accepted rows"]
    assert zero.blocking and "incidents" in zero.detail and "outages" not in zero.detail
    unreadable = problems["accounting: files readable"]
    assert not unreadable.blocking
    assert "incidents/a.csv" in unreadable.detail and "service_requests/b.csv" in unreadable.detail
    # its rows could not be counted at all: how many the figures miss is unknown
    uncounted = problems["accounting: every file's rows counted"]
    assert uncounted.blocking
    assert "incidents/a.csv" in uncounted.detail and "service_requests/b.csv" not in uncounted.detail
    assert not problems["accounting: quarantined share below half the limit"].blocking


def test_an_id_delivered_with_conflicting_contents_warns(tmp_path):
    """A correction sent in a new file beside the original: both versions of the request
    are quarantined and it leaves the figures, though 2 rows in 1,000 are far below the
    quarantine limit. The gate warns, naming the source and how many rows."""
    conflict = "conflicting contents for the same request_id"
    accounting = [
        ("service_requests", "service_requests/a.csv", "csv", "loaded", None, 1000, 995, 0, 5),
        ("service_requests", "service_requests/a.fix.csv", "csv", "loaded", None, 1, 0, 0, 1),
        *((source, f"{source}/a.csv", "csv", "loaded", None, 0, 0, 0, 0)
          for source in ("service_responses", "alerts", "csp_test_messages", "outages", "incidents",
                         "ch_firmware_events")),
    ]
    quarantined = [("service_requests", "service_requests/a.csv", conflict),
                   ("service_requests", "service_requests/a.fix.csv", conflict),
                   *[("service_requests", "service_requests/a.csv", "unknown csp_region")] * 4]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", accounting=accounting, quarantined=quarantined))
    problems = failed(checks)
    warning = problems["accounting: no id delivered with conflicting contents"]
    assert not warning.blocking and "service_requests (conflicting_rows=2)" in warning.detail
    assert "accounting: quarantined share within limit" not in problems  # 6 of 1,001 rows

    clean = evaluate(make_warehouse(tmp_path / "clean.duckdb", quarantined=[
        ("service_requests", "service_requests/a.csv", "unknown csp_region")] * 5))
    assert "accounting: no id delivered with conflicting contents" not in failed(clean)


def test_a_file_read_without_a_contract_column_warns(tmp_path):
    """A column a file lacks is empty in each of its rows; an optional one does not
    stop the file, so it is a warning naming the file and the columns. A skipped file
    is not named again: it is not read at all."""
    accounting = [
        ("alerts", "alerts/a.csv", "csv", "loaded", None, 12, 12, 0, 0),  # dlvd_at for delivered_at
        ("alerts", "alerts/b.parquet", "parquet", "loaded", None, 5, 5, 0, 0),
        ("service_requests", "service_requests/a.csv", "csv", "loaded", None, 7, 7, 0, 0),
        ("incidents", "incidents/a.csv", "csv", "skipped", "file skipped: missing required column raised_at",
         3, 0, 0, 3),
    ]
    lacking = {"alerts/a.csv": ("delivered_at",), "service_requests/a.csv": ("execution_at", "dsp_processing_ms")}
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", accounting=accounting, lacking=lacking))
    check = checks["accounting: files have every contract column"]
    assert not check.passed and not check.blocking
    assert check.detail.endswith(
        ": 2 of 4 fail: alerts/a.csv (lacks=delivered_at, not_in_contract=delivered_at_renamed, rows_read=12); "
        "service_requests/a.csv (lacks=execution_at, dsp_processing_ms, "
        "not_in_contract=execution_at_renamed, dsp_processing_ms_renamed, rows_read=7)"), check.detail
    assert evaluate(make_warehouse(tmp_path / "every.duckdb", accounting=accounting))[
        "accounting: files have every contract column"].passed


def test_requests_of_srvs_outside_the_catalogue_warn_with_their_count_in_the_month(tmp_path):
    """Any SRV number is a request; one srv_catalogue does not hold is in no business
    process, so the gate names it, with its requests of October (UK): 4.1.1 twice,
    2.2.0 (2.2 written differently) once; not the 4.1.1 of 30 September 23:30 BST,
    nor the catalogued 2.2."""
    requests = [
        ("R1", "2026-10-01T12:00:00", "2.2", 1, "ESME", "SMETS2", "North"),
        ("X1", "2026-10-02T12:00:00", "4.1.1", 1, "ESME", "SMETS2", "North"),
        ("X2", "2026-10-31T23:30:00", "4.1.1", 1, "GSME", "SMETS1", None),  # 23:30 GMT, 31 October
        ("X3", "2026-10-03T12:00:00", "2.2.0", 1, "ESME", "SMETS2", "South"),
        ("X4", "2026-09-30T22:30:00", "4.1.1", 1, "ESME", "SMETS2", "North"),  # 23:30 BST, 30 September
    ]
    check = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests))[SRV_CHECK]
    assert not check.passed and not check.blocking
    assert check.detail.endswith(": 2 of 3 fail: 2.2.0 (requests=1); 4.1.1 (requests=2)"), check.detail
    assert evaluate(make_warehouse(tmp_path / "every.duckdb"))[SRV_CHECK].passed


def test_a_source_without_a_row_in_the_month_warns_with_the_requirements_that_read_it(tmp_path):
    """October 2026 is [2026-09-30 23:00, 2026-11-01 00:00) UTC. No row of October: the
    incident raised at 22:30 UTC on 30 September (23:30 BST, September), the outage that
    ended at 23:00 UTC that day (as October began), no hub firmware event at all (and no
    file). The catalogue says which metric models read which source (from dbt's
    lineage): R5 and R3 read incidents, R3 outages, none reads ch_firmware_events here.
    A warning: there may truly have been none."""
    accounting = [(source, f"{source}/a.csv", "csv", "loaded", None, 0, 0, 0, 0)
                  for source in ("service_requests", "service_responses", "alerts", "csp_test_messages", "outages",
                                 "incidents")]
    path = make_warehouse(tmp_path / "w.duckdb", accounting=accounting, other_sources={
        "incidents": [("2026-09-30T22:30:00",)], "outages": [("2026-09-29T08:00:00", "2026-09-30T23:00:00")],
        "ch_firmware_events": []})
    with duckdb.connect(str(path)) as con:
        con.execute("delete from metrics.metric_catalogue")
        con.executemany("insert into metrics.metric_catalogue (metric_id, fractional, requirement, sources) "
                        "values (?, false, ?, ?)",
                        [("cpm5.raised", "R5", "incidents"), ("reliability.mtbf_h", "R3", "outages, incidents"),
                         ("rsvp.volume", "R1", "service_requests, service_responses, csp_test_messages")])
    warning = failed(evaluate(path))[DELIVERY_CHECK]
    assert not warning.blocking
    assert warning.detail.endswith(": 3 of 7 fail: outages (landing_files=1, requirements=R3); "
                                   "incidents (landing_files=1, requirements=R3, R5); "
                                   "ch_firmware_events (landing_files=0, requirements=none)")
    # an incident raised at 23:30 UTC on 30 September (00:30 BST on 1 October) is October's
    with duckdb.connect(str(path)) as con:
        con.execute("insert into staging.stg_incidents values ('2026-09-30 23:30:00')")
    assert failed(evaluate(path))[DELIVERY_CHECK].detail.endswith(
        ": 2 of 7 fail: outages (landing_files=1, requirements=R3); "
        "ch_firmware_events (landing_files=0, requirements=none)")


def test_the_quarantine_limit_comes_from_the_parameters(tmp_path):
    accounting = [("service_requests", "service_requests/a.csv", "csv", "loaded", None, 100, 95, 0, 5)]
    assert "accounting: quarantined share within limit" in failed(
        evaluate(make_warehouse(tmp_path / "a.duckdb", accounting=accounting)))
    assert "accounting: quarantined share within limit" not in failed(
        evaluate(make_warehouse(tmp_path / "b.duckdb", accounting=accounting, quarantine_max_pct=10)))


def test_metric_families_without_rows_are_skipped(tmp_path):
    figures = [dict(metric_id="availability.pct", kind="measure", unit="pct", value=99.0)]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert failed(checks) == {}
    assert checks["rsvp"].detail.startswith("not evaluated")


def test_a_failing_dbt_test_short_circuits_the_suites(tmp_path):
    dbt_failure = gate.CheckResult("unique_stg_alerts_alert_id", "dbt", False, True, "Got 2 results")
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb"), [dbt_failure])
    assert list(checks) == ["unique_stg_alerts_alert_id"]


def test_a_missing_metrics_table_blocks(tmp_path):
    path = make_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(path))
    con.execute("drop table metrics.pmr_metrics")
    con.close()
    checks = evaluate(path)
    assert not checks["metrics"].passed and checks["metrics"].blocking


def test_a_count_declared_fractional_may_have_decimals(tmp_path):
    figures = default_figures() + [dict(metric_id="ic.installs_predicted", unit="count", value=3.25,
                                        segment="North", fractional=True)]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))
    assert checks["metrics: counts whole"].passed
    figures[-1]["fractional"] = False
    checks = evaluate(make_warehouse(tmp_path / "w2.duckdb", figures=figures))
    assert not checks["metrics: counts whole"].passed


def test_an_empty_count_warns_unless_declared_fractional(tmp_path):
    """Volumes and counts are 0, not missing (metrics.md §8); a fractional count is a
    mean of counts, empty when it cannot be computed (ic.installs_predicted, §4)."""
    figures = default_figures() + [dict(metric_id="ic.installs_predicted", unit="count", value=None,
                                        segment="North", fractional=True)]
    assert evaluate(make_warehouse(tmp_path / "w.duckdb", figures=figures))["metrics: counts not empty"].passed
    figures[-1]["fractional"] = False
    check = evaluate(make_warehouse(tmp_path / "w2.duckdb", figures=figures))["metrics: counts not empty"]
    assert not check.passed and not check.blocking and "ic.installs_predicted[" in check.detail


def test_a_parquet_copy_cut_short_blocks_pmr_run_and_names_the_file(tmp_path, capsys):
    """End to end, from ingest's flag to the gate: a month whose landing holds a Parquet
    file without its footer (1,000 requests no one can count) is not published."""
    from pmr.cli import main
    from tests.gate_landings import MONTH, write_good_landing
    from tests.helpers import request_row, write_request_parquet

    landing, out = write_good_landing(tmp_path / "landing"), tmp_path / "out"
    cut = write_request_parquet(landing, "late.parquet", [request_row(f"late{n}") for n in range(1000)])
    cut.write_bytes(cut.read_bytes()[:-100])
    code = main(["run", "--month", MONTH, "--landing", str(landing), "--out", str(out), "--db",
                 str(tmp_path / "w.duckdb"), "--allow-missing-days"])
    stderr = capsys.readouterr().err
    assert code == 2
    blocked = stderr[stderr.index("NOT PUBLISHED"):]
    assert "accounting: every file's rows counted" in blocked and "service_requests/late.parquet" in blocked
    assert "truncated or damaged Parquet file" in blocked
    assert not (out / MONTH).exists()
