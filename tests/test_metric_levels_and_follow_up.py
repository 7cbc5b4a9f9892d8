"""What collecting a month's figures makes of a metric model's declaration (pmr.metrics.
collect): a service level gives each measure row its target and minimum, and one that
is unknown, in another unit or judged the wrong way round stops the run; an id returned
but not declared stops it; the follow-up window, the sum of the parameters it names,
says until when the figures are provisional. Warehouses and manifests are hand-made,
a table or a node each. The declarations themselves: test_metric_contract.py."""

from __future__ import annotations

import duckdb
import pytest

from pmr.metric_declarations import MetricDefinitionError
from pmr.metrics import collect
from tests.metric_manifests import GOOD, manifest, node


def warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema reference")
    con.execute("create table reference.service_levels (service_level varchar, target double, minimum double, "
                "unit varchar)")
    con.execute("insert into reference.service_levels values ('pct_within_trt', 99, 96, 'pct')")
    con.execute("create table reference.parameters (parameter varchar, value double, unit varchar)")
    con.execute("""insert into reference.parameters values ('delivery_s', 432000, 's'), ('verification_s', 86400, 's'),
                   ('limit_pct', 1, 'pct')""")
    # the staged sources the follow-up windows look at (pmr.landing_reach): nothing after the month
    con.execute("create schema staging")
    for table, column in (("stg_service_requests", "received_at"), ("stg_service_responses", "response_at"),
                          ("stg_alerts", "received_at")):
        con.execute(f"create table staging.{table} ({column} timestamp)")
    con.execute("create schema metrics")
    con.execute("""create table metrics.metric_example as select 'example.pct' as metric_id, '2026-10' as period,
                   cast(null as date) as day, null::varchar as business_process, 'All' as segment,
                   null::varchar as device_type, null::varchar as service, null::varchar as time_band,
                   null::varchar as category, 97.5 as value""")
    return con


def test_a_known_service_level_gives_target_and_minimum(tmp_path):
    con = warehouse(tmp_path)
    declared = {**GOOD, "metric_id": "example.pct", "unit": "pct", "kind": "measure", "service_level": "pct_within_trt"}
    assert collect(con, manifest(tmp_path, node("metric_example", [declared])), "2026-10") == 1
    assert con.execute("select value, target, minimum from metrics.pmr_metrics").fetchall() == [(97.5, 99.0, 96.0)]


def test_indicator_breakdowns_make_those_rows_indicators_without_levels(tmp_path):
    """Declared with indicator_breakdowns [segment, day]: the monthly All row is the
    measure with its levels; a region's row and a daily All row are indicators."""
    con = warehouse(tmp_path)
    con.execute("""insert into metrics.metric_example
                   select metric_id, period, day, business_process, 'North', device_type, service, time_band,
                          category, 95.0 from metrics.metric_example
                   union all
                   select metric_id, period, date '2026-10-05', business_process, segment, device_type, service,
                          time_band, category, 90.0 from metrics.metric_example""")
    declared = {**GOOD, "metric_id": "example.pct", "unit": "pct", "kind": "measure", "service_level": "pct_within_trt",
                "indicator_breakdowns": ["segment", "day"]}
    assert collect(con, manifest(tmp_path, node("metric_example", [declared])), "2026-10") == 3
    assert con.execute("""select segment, cast(day as varchar), kind, target, minimum from metrics.pmr_metrics
                          order by value desc""").fetchall() == [
        ("All", None, "measure", 99.0, 96.0), ("North", None, "indicator", None, None),
        ("All", "2026-10-05", "indicator", None, None)]
    assert con.execute("select indicator_breakdowns, sources from metrics.metric_catalogue").fetchall() == [
        (",day,segment,", "")]


def test_an_unknown_service_level_stops_the_run(tmp_path):
    con = warehouse(tmp_path)
    declared = {**GOOD, "metric_id": "example.pct", "kind": "measure", "unit": "pct",
                "service_level": "pct_within_trtX"}
    with pytest.raises(MetricDefinitionError, match=r"example.pct \(pct_within_trtX\)"):
        collect(con, manifest(tmp_path, node("metric_example", [declared])), "2026-10")


def test_a_service_level_of_another_unit_stops_the_run(tmp_path):
    con = warehouse(tmp_path)  # a 99% target on a count would read as 99
    declared = {**GOOD, "metric_id": "example.pct", "kind": "measure", "unit": "count",
                "service_level": "pct_within_trt"}
    with pytest.raises(MetricDefinitionError, match="example.pct is in count, its service level pct_within_trt in pct"):
        collect(con, manifest(tmp_path, node("metric_example", [declared])), "2026-10")


@pytest.mark.parametrize(("row", "problem"), [
    ({"target": "60", "minimum": "80", "unit": "count"}, "ceiling: unit 'count', not pct"),
    ({"target": "1", "minimum": "4", "unit": "pct"}, "ceiling: minimum 4 and target 1 are not 0 <= minimum <= target <= 100"),
    ({"target": "101", "minimum": "96", "unit": "pct"}, "ceiling: minimum 96 and target 101 are not"),
    ({"target": "", "minimum": "96", "unit": "pct"}, "ceiling: target '' and minimum '96' are not both numbers"),
    # 99.5% and 97% written as fractions: every share would meet them
    ({"target": "0.995", "minimum": "0.97", "unit": "pct"},
     "ceiling: target 0.995 and minimum 0.97 read as a fraction: write percentages (99.5, not 0.995)"),
    ({"target": "99.5", "minimum": "0.97", "unit": "pct"}, "ceiling: minimum 0.97 reads as a fraction"),
])
def test_a_service_level_the_report_would_judge_the_wrong_way_round_is_refused(row, problem):
    from pmr.metric_declarations import check_service_level_rows

    rows = [{"service_level": "pct_within_trt", "target": "99", "minimum": "96", "unit": "pct"},
            {"service_level": "ceiling", **row}]
    with pytest.raises(MetricDefinitionError, match="higher is better") as refused:
        check_service_level_rows(rows)
    assert str(refused.value).startswith("seeds/service_levels.csv: " + problem)
    check_service_level_rows(rows[:1])  # a percentage to reach passes


def test_an_undeclared_metric_id_stops_the_run(tmp_path):
    con = warehouse(tmp_path)  # the model returns example.pct; the YAML declares example.count
    with pytest.raises(MetricDefinitionError) as stopped:
        collect(con, manifest(tmp_path, node("metric_example", [GOOD])), "2026-10")
    assert str(stopped.value) == (
        "metric ids returned but not declared in the model's YAML: example.pct (in metric_example) "
        f"(metric_example declares {GOOD['metric_id']} and returns no row of it: the same id spelt differently?)")


def test_follow_up_is_the_sum_of_the_parameters_it_names(tmp_path):
    con = warehouse(tmp_path)
    declared = {**GOOD, "metric_id": "example.pct", "unit": "pct", "follow_up": ["delivery_s", "verification_s"]}
    collect(con, manifest(tmp_path, node("metric_example", [declared])), "2026-10")
    assert con.execute("select follow_up_s from metrics.metric_catalogue").fetchall() == [(518400.0,)]
    # October 2026 ends at 1 November 00:00 UTC (GMT); 6 days after it, the landing has nothing
    assert con.execute("select metric_id, period, cast(needed_through_utc as varchar), "
                       "cast(landed_through_utc as varchar), is_provisional from metrics.metric_status").fetchall() == [
        ("example.pct", "2026-10", "2026-11-07 00:00:00", "2026-11-01 00:00:00", True)]


def test_a_figure_waiting_for_responses_waits_for_future_dated_requests_executed_after_its_window(tmp_path):
    """A Future-Dated request received in October and executed on 20 November is answered
    after that: until then it counts as failed (no final response), so the figures waiting
    for final responses (response_follow_up_s, 5 days) stay provisional until 5 days after
    its clock start, not 5 days after the month. One already answered holds nothing back."""
    con = warehouse(tmp_path)
    con.execute("""insert into reference.parameters values ('response_follow_up_s', 432000, 's'),
                   ('correction_s', 604800, 's')""")
    con.execute("create schema marts")
    con.execute("create table marts.fct_service_requests (request_id varchar, received_at timestamp, "
                "clock_start_at timestamp, is_transform boolean, has_final_response boolean)")
    con.execute("""insert into marts.fct_service_requests values
        ('fd', '2026-10-30 10:00:00', '2026-11-20 10:00:00', false, false),          -- Future-Dated, October
        ('plain', '2026-10-31 12:00:00', '2026-10-31 12:00:00', false, false),
        ('answered', '2026-10-31 12:00:00', '2026-11-28 00:00:00', false, true),     -- its outcome is known
        ('transform', '2026-10-31 12:00:00', '2026-12-25 00:00:00', true, false),    -- in no figure
        ('september', '2026-09-30 22:00:00', '2026-12-01 00:00:00', false, false),   -- 23:00 BST: September's
        ('correction', '2026-11-05 09:00:00', '2026-11-30 10:00:00', false, false)   -- after the month""")
    declared = [{**GOOD, "metric_id": "example.pct", "unit": "pct", "follow_up": ["response_follow_up_s"]},
                {**GOOD, "metric_id": "example.corrected", "follow_up": ["correction_s", "response_follow_up_s"]},
                {**GOOD, "metric_id": "example.count", "follow_up": ["delivery_s"]}]
    con.execute("""create or replace table metrics.metric_example as
                   select unnest(['example.pct', 'example.corrected', 'example.count']) as metric_id,
                   '2026-10' as period, cast(null as date) as day, null::varchar as business_process,
                   'All' as segment, null::varchar as device_type, null::varchar as service,
                   null::varchar as time_band, null::varchar as category, 1.0 as value""")
    collect(con, manifest(tmp_path, node("metric_example", declared)), "2026-10")
    assert con.execute("select metric_id, requests_received_to_s from metrics.metric_catalogue "
                       "order by metric_id").fetchall() == [
        ("example.corrected", 604800.0), ("example.count", None), ("example.pct", 0.0)]

    def status():
        return con.execute("select metric_id, cast(needed_through_utc as varchar), "
                           "cast(latest_clock_start_utc as varchar), is_provisional from metrics.metric_status "
                           "order by metric_id").fetchall()

    # example.pct reads October's requests: 'fd' executes 20 Nov 10:00, + 5 days;
    # example.corrected those received to 8 Nov 00:00 too: 'correction' executes 30 Nov 10:00, + 5 days;
    # example.count waits for no response: 5 days after 1 Nov 00:00 UTC
    assert status() == [
        ("example.corrected", "2026-12-05 10:00:00", "2026-11-30 10:00:00", True),
        ("example.count", "2026-11-06 00:00:00", None, True),
        ("example.pct", "2026-11-25 10:00:00", "2026-11-20 10:00:00", True)]
    con.execute("delete from marts.fct_service_requests where request_id in ('fd', 'correction')")
    collect(con, manifest(tmp_path, node("metric_example", declared)), "2026-10")
    # without them: the month's end plus the windows (7 + 5 days; 5 days)
    assert status() == [
        ("example.corrected", "2026-11-13 00:00:00", None, True),
        ("example.count", "2026-11-06 00:00:00", None, True),
        ("example.pct", "2026-11-06 00:00:00", None, True)]


def test_no_follow_up_is_null(tmp_path):
    con = warehouse(tmp_path)
    collect(con, manifest(tmp_path, node("metric_example", [{**GOOD, "metric_id": "example.pct"}])), "2026-10")
    assert con.execute("select follow_up_s from metrics.metric_catalogue").fetchall() == [(None,)]
    assert con.execute("select needed_through_utc, is_provisional from metrics.metric_status").fetchall() == [
        (None, False)]


@pytest.mark.parametrize(("name", "message"), [
    ("delivery_sec", "follow_up names delivery_sec, not a parameter of seeds/parameters.csv"),
    ("limit_pct", "follow_up names limit_pct, a parameter in pct; a window must be in seconds"),
])
def test_a_follow_up_naming_no_parameter_in_seconds_stops_the_run(tmp_path, name, message):
    con = warehouse(tmp_path)
    declared = {**GOOD, "metric_id": "example.pct", "follow_up": [name]}
    with pytest.raises(MetricDefinitionError, match=f"example.pct: {message}"):
        collect(con, manifest(tmp_path, node("metric_example", [declared])), "2026-10")
