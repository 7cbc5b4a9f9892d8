"""The Dagster automation on the Working-Day calendar: the monthly schedule (first Working
Day, retries, provisional re-runs past the deadline), the landing sensor, the run log
sensors and a run's failure tags. The 10-Working-Day deadline (freshness policy,
deadline sensor, Requirement 4 on the report asset): test_orchestration_deadline.py."""

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pmr.calendar import previous_month, uk_date
from pmr.run_log import RunLog
from tests.gate_landings import write_good_landing
from tests.helpers import publish_run_log

UK = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def code():
    from orchestration import automation, deadline, settings

    return dict(automation=automation, deadline=deadline, settings=settings)


def _schedule_on(code, out):
    schedule = code["automation"].monthly_report_schedule
    settings = code["settings"].PmrSettings(landing=str(out / "landing"), out=str(out), db=str(out / "w.duckdb"))

    def evaluate(day):
        moment = dt.datetime(day.year, day.month, day.day, 6, tzinfo=UK)
        return schedule(dg.build_schedule_context(scheduled_execution_time=moment, resources={"pmr": settings}))

    return evaluate


def test_the_schedule_runs_on_the_first_working_day_and_retries_a_month_not_published(code, tmp_path):
    evaluate = _schedule_on(code, tmp_path)
    request = evaluate(dt.date(2026, 11, 2))  # Monday after October ends on a Saturday
    assert isinstance(request, dg.RunRequest) and request.partition_key == "2026-10"
    retry = evaluate(dt.date(2026, 11, 3))  # nothing published (the 2nd's run was blocked): try again
    assert isinstance(retry, dg.RunRequest) and retry.tags["pmr/reason"] == "unpublished"
    request = evaluate(dt.date(2027, 1, 4))  # after New Year's Day and a weekend
    assert request.partition_key == "2026-12"
    # New Year's Day, before December's first Working Day: nothing for the operator to do
    assert evaluate(dt.date(2027, 1, 1)).skip_message == (
        "2027-01-01 is not a Working Day; 2026-12's report is not published: the schedule launches it on the "
        "next Working Day, 2027-01-04 (deadline 2027-01-15)")
    publish_run_log(tmp_path, "2026-10", follow_up_passed=True)
    assert "2026-10's report is published with final figures" in evaluate(dt.date(2026, 11, 3)).skip_message
    # published final by hand before its first Working Day: republishing is the operator's decision
    assert "2026-10's report is published with final figures" in evaluate(dt.date(2026, 11, 2)).skip_message


def test_the_schedule_reruns_a_provisional_month_each_working_day_until_it_is_final(code, tmp_path):
    """October 2026 is due on Friday 13 November (10th Working Day). Past the deadline the
    schedule still launches it each Working Day of November, tagged late; from 1 December
    it looks at November."""
    evaluate = _schedule_on(code, tmp_path)
    publish_run_log(tmp_path, "2026-10", follow_up_passed=False)
    tuesday, friday = evaluate(dt.date(2026, 11, 3)), evaluate(dt.date(2026, 11, 13))
    assert isinstance(tuesday, dg.RunRequest) and tuesday.partition_key == "2026-10"
    assert tuesday.tags["pmr/reason"] == "provisional"
    assert friday.run_key != tuesday.run_key  # one run a day: Dagster skips a run key it has seen
    assert evaluate(dt.date(2026, 11, 7)).skip_message == (  # a Saturday: the schedule tries again on Monday
        "2026-11-07 is not a Working Day; 2026-10's report is still provisional: the schedule launches it on the "
        "next Working Day, 2026-11-09 (deadline 2026-11-13)")
    assert "pmr/late" not in friday.tags  # the deadline day itself
    late = evaluate(dt.date(2026, 11, 16))  # the Monday after the deadline
    assert isinstance(late, dg.RunRequest) and late.partition_key == "2026-10"
    assert late.tags["pmr/reason"] == "provisional" and late.tags["pmr/late"] == "deadline 2026-11-13 passed"
    assert evaluate(dt.date(2026, 11, 21)).skip_message == (  # a Saturday after the deadline
        "2026-11-21 is not a Working Day; 2026-10's report is still provisional: the schedule launches it on the "
        "next Working Day, 2026-11-23 (deadline 2026-11-13, passed)")
    assert evaluate(dt.date(2026, 11, 30)).partition_key == "2026-10"  # the last day of the month after
    publish_run_log(tmp_path, "2026-12", follow_up_passed=False)
    assert evaluate(dt.date(2027, 1, 30)).skip_message == (  # a Saturday, the last Working Day of January before it
        "2027-01-30 is not a Working Day; 2026-12's report is still provisional (deadline 2027-01-15, passed), and "
        "from 2027-02-01 the schedule builds 2027-01: launch 2026-12's partition once its data has landed")
    december = evaluate(dt.date(2026, 12, 2))  # November is the month now, unpublished
    assert december.partition_key == "2026-11" and december.tags["pmr/reason"] == "unpublished"
    publish_run_log(tmp_path, "2026-10", follow_up_passed=True)
    assert isinstance(evaluate(dt.date(2026, 11, 4)), dg.SkipReason)


def test_a_month_published_with_days_without_data_is_not_final(code, tmp_path):
    """An "Incomplete month" (--allow-missing-days) published on Monday 2 November, the
    1st Working Day, has not met Requirement 4: its figures are the other days' only.
    The schedule keeps rebuilding it (without the tag, such a run publishes only once
    every day has data) and the deadline sensor does not count it as published."""
    evaluate = _schedule_on(code, tmp_path)
    publish_run_log(tmp_path, "2026-10", follow_up_passed=True, every_day_has_data=False)
    log = RunLog.load(tmp_path / "2026-10")
    assert log.provisional and log.requirement_4() is None
    assert not code["deadline"].published_with_final_figures(tmp_path, "2026-10")
    request = evaluate(dt.date(2026, 11, 3))
    assert isinstance(request, dg.RunRequest) and request.tags["pmr/reason"] == "provisional"


def test_the_landing_sensor_picks_up_new_and_changed_files(code, tmp_path, monkeypatch):
    automation = code["automation"]
    settings = code["settings"].PmrSettings(landing=str(tmp_path / "landing"), out=str(tmp_path / "out"),
                                            db=str(tmp_path / "w.duckdb"))
    clock = [time.time()]
    monkeypatch.setattr(automation, "_now", lambda: clock[0])
    sensor = automation.landing_sensor
    month = previous_month(uk_date(dt.datetime.now(dt.timezone.utc)))
    with dg.DagsterInstance.ephemeral() as instance:
        cursor = [None]

        def tick(minutes_later=0.0):
            clock[0] += 60 * minutes_later
            context = dg.build_sensor_context(instance=instance, resources={"pmr": settings}, cursor=cursor[0])
            result = sensor(context)
            cursor[0] = context.cursor
            return result

        (tmp_path / "landing" / "service_requests").mkdir(parents=True)
        assert "holds no landing files" in tick().skip_message
        landing = write_good_landing(tmp_path / "landing")
        old = time.time() - 3600  # copied with their times kept: old times must not count as quiet
        for path in landing.rglob("*.csv"):
            os.utime(path, (old, old))
        assert "once the folder stays unchanged" in tick().skip_message
        assert tick(0.5).skip_message == "landing files unchanged for 30 s; building once they have stayed so for 60 s"
        first = tick(0.6)
        assert isinstance(first, dg.RunRequest) and first.partition_key == month
        assert first.tags["pmr/changed_files"] == "3"
        assert "no new or changed" in tick(1).skip_message
        changed = landing / "alerts" / "extract.csv"
        before = changed.read_text()
        changed.write_text(before + "\n")
        assert isinstance(tick(1), dg.SkipReason)
        second = tick(1)
        assert isinstance(second, dg.RunRequest) and second.tags["pmr/changed_files"] == "1"
        # back to the first state (a wrong delivery removed): a new run key, so Dagster runs it
        changed.write_text(before)
        os.utime(changed, (old, old))
        tick(1)
        third = tick(1)
        assert isinstance(third, dg.RunRequest)
        assert len({first.run_key, second.run_key, third.run_key}) == 3
        # while the month's published report is provisional, changes rebuild it
        publish_run_log(tmp_path / "out", month, follow_up_passed=False)
        changed.write_text(before + "\n\n")
        tick(1)
        fourth = tick(1)
        assert isinstance(fourth, dg.RunRequest) and fourth.tags["pmr/reason"] == "provisional"
        # once it is published with final figures, later changes no longer republish it
        publish_run_log(tmp_path / "out", month, follow_up_passed=True)
        requests = landing / "service_requests" / "extract.csv"
        requests.write_text(requests.read_text() + "\n")
        tick(1)
        assert f"{month} is published with final figures" in tick(1).skip_message
        # those changes count as seen: when the next month begins they do not start its run
        # (its last day may not have landed yet); the next delivery does
        assert "no new or changed" in tick(1).skip_message
        clock[0] += 32 * 24 * 3600
        next_month = previous_month(uk_date(dt.datetime.fromtimestamp(clock[0] + 120, dt.timezone.utc)))
        assert next_month > month
        assert "no new or changed" in tick(1).skip_message
        changed.write_text(before + "\n\n\n\n")
        tick(1)
        fifth = tick(1)
        assert isinstance(fifth, dg.RunRequest) and fifth.partition_key == next_month
        # changed since the last run the sensor started: the requests seen while final, and the alerts
        assert fifth.tags["pmr/changed_files"] == "2"
        assert fifth.run_key not in {first.run_key, second.run_key, third.run_key, fourth.run_key}


def test_a_landing_file_ingest_cannot_read_changes_the_landing_state(code, tmp_path):
    """An extract dropped in a misspelt folder, or under a name DuckDB cannot open, is
    not ingested: the sensor saw no change and started no run, so nothing said it was
    there until the daily schedule ran."""
    landing = write_good_landing(tmp_path / "landing")
    before = code["automation"].landing_state(landing)
    assert sorted(before) == ["alerts/extract.csv", "service_requests/extract.csv", "service_responses/extract.csv"]
    (landing / "Outages").mkdir()
    (landing / "Outages" / "2026-10-15.csv").write_text("outage_id\n")
    (landing / "service_requests" / "a\\[1].csv").write_text("request_id\n")
    after = code["automation"].landing_state(landing)
    assert {key: after[key] for key in set(after) - set(before)} == {
        "Outages/ (not read)": [1], "service_requests/a\\[1].csv (not read)": [1]}


def test_a_terminated_or_killed_run_leaves_a_failed_run_log_not_a_running_one(code, tmp_path):
    """Terminate interrupts a step between two events, outside the step's code, and a killed
    worker writes nothing: the run folder's log said "running" for ever. The run status
    sensors close it; a log its run closed, or the published folder's, is left as it was."""
    from orchestration.runs import close_stopped_run_log

    out = tmp_path / "out"

    def run_folder(name, status):
        folder = out / ".runs" / "2026-10" / name
        folder.mkdir(parents=True)
        RunLog(month="2026-10", landing="l", warehouse="w", status=status).write(folder)
        return folder

    stopped = run_folder("20261102T060000000000Z-aaaa1111", "running")
    blocked = run_folder("20261102T070000000000Z-bbbb2222", "blocked")
    published = run_folder("20261102T080000000000Z-cccc3333", "running")  # stopped after its rename
    (out / "2026-10").symlink_to(published)

    assert close_stopped_run_log(out, "2026-10", "aaaa1111-0000", "CANCELED") == stopped / "run-log.json"
    log = RunLog.load(stopped)
    assert log.status == "failed" and log.finished_at
    assert log.steps[-1]["error"] == ("the Dagster run was terminated before this log was closed; "
                                      "nothing was published by it")
    assert close_stopped_run_log(out, "2026-10", "bbbb2222-0000", "FAILURE") is None
    assert RunLog.load(blocked).status == "blocked"
    assert close_stopped_run_log(out, "2026-10", "cccc3333-0000", "CANCELED") is None
    assert RunLog.load(published).status == "running"
    assert close_stopped_run_log(out, "2026-10", "dddd4444-0000", "FAILURE") is None  # no folder


def test_the_run_log_sensors_are_running_by_default(tmp_path):
    from orchestration.definitions import build_definitions
    from orchestration.settings import PmrSettings

    defs = build_definitions(PmrSettings(landing=str(tmp_path), out=str(tmp_path / "out"), db=str(tmp_path / "w")))
    sensors = {s.name: s for s in defs.get_repository_def().sensor_defs}
    for name in ("stopped_run_log_sensor", "failed_run_log_sensor"):
        assert sensors[name].default_status == dg.DefaultSensorStatus.RUNNING


def test_a_materialize_all_run_in_progress_holds_the_landing_sensor_back(code):
    """"Materialize all" (the README's way) runs Dagster's own asset job, not pmr_month: the
    landing sensor must wait for it as for a run of the month job."""
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

    with dg.DagsterInstance.ephemeral() as instance:
        assert not code["automation"].run_in_progress(instance)
        instance.add_run(DagsterRun(job_name="__ASSET_JOB", run_id="a" * 36, status=DagsterRunStatus.STARTED,
                                    tags={"dagster/partition": "2026-10"}))
        assert code["automation"].run_in_progress(instance)

    with dg.DagsterInstance.ephemeral() as instance:  # a finished run does not hold it back
        instance.add_run(DagsterRun(job_name="__ASSET_JOB", run_id="b" * 36, status=DagsterRunStatus.SUCCESS))
        assert not code["automation"].run_in_progress(instance)


def test_a_failed_run_is_tagged_with_why_nothing_was_published(tmp_path):
    """Dagster's failure of a blocked run names only the blocking check: the run status
    sensors put the run log's outcome on the run as tags, for the runs list."""
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

    from orchestration.automation import tag_outcome

    out = tmp_path / "out"
    runs = out / ".runs" / "2026-10"
    blocked = runs / "20261102T060000000000Z-aaaa1111"
    blocked.mkdir(parents=True)
    RunLog(month="2026-10", landing="l", warehouse="w", status="blocked",
           blocked_by=["accounting: quarantined share within limit", "metrics: pct within 0-100"]).write(blocked)
    failed = runs / "20261102T070000000000Z-bbbb2222"
    failed.mkdir()
    log = RunLog(month="2026-10", landing="l", warehouse="w")
    log.steps = [{"step": "ingest", "status": "ok"}, {"step": "dbt build", "status": "error", "error": "disk full"}]
    log.status = "failed"
    log.write(failed)

    with dg.DagsterInstance.ephemeral() as instance:
        def run(run_id, month="2026-10"):
            dagster_run = DagsterRun(job_name="pmr_month", run_id=run_id, status=DagsterRunStatus.FAILURE,
                                     tags={"dagster/partition": month} if month else {})
            instance.add_run(dagster_run)
            return dagster_run

        tag_outcome(instance, run("aaaa1111-0000-0000-0000-000000000000"), out)
        tags = instance.get_run_by_id("aaaa1111-0000-0000-0000-000000000000").tags
        assert tags["pmr/outcome"] == "NOT PUBLISHED: blocked by failed checks"
        assert tags["pmr/blocked_by"] == "accounting: quarantined share within limit, metrics: pct within 0-100"
        assert tags["pmr/run_log"] == str(blocked / "run-log.json")

        tag_outcome(instance, run("bbbb2222-0000-0000-0000-000000000000"), out)
        tags = instance.get_run_by_id("bbbb2222-0000-0000-0000-000000000000").tags
        assert (tags["pmr/outcome"], tags["pmr/failed_step"]) == ("NOT PUBLISHED: a step failed", "dbt build: disk full")

        # stopped: Terminate, or a worker killed (close_stopped_run_log's step)
        stopped = runs / "20261102T080000000000Z-eeee5555"
        stopped.mkdir()
        log = RunLog(month="2026-10", landing="l", warehouse="w", status="failed")
        log.close_as_failed("dagster run", "the Dagster run was terminated before this log was closed")
        log.write(stopped)
        tag_outcome(instance, run("eeee5555-0000-0000-0000-000000000000"), out)
        tags = instance.get_run_by_id("eeee5555-0000-0000-0000-000000000000").tags
        assert tags["pmr/outcome"] == "NOT PUBLISHED: the run was stopped"
        # a damaged run log: no tags rather than a sensor error
        damaged = runs / "20261102T090000000000Z-ffff6666"
        damaged.mkdir()
        (damaged / "run-log.json").write_text("{not json")
        assert tag_outcome(instance, run("ffff6666-0000-0000-0000-000000000000"), out) == {}

        # no run folder (refused before it read anything), or no month: no tags
        assert tag_outcome(instance, run("cccc3333-0000-0000-0000-000000000000"), out) == {}
        assert tag_outcome(instance, run("dddd4444-0000-0000-0000-000000000000", month=None), out) == {}
        assert "pmr/outcome" not in instance.get_run_by_id("cccc3333-0000-0000-0000-000000000000").tags


def test_the_report_asset_refuses_a_run_that_did_not_read_the_landing_or_collect_the_metrics():
    """A Dagster run whose selection left out pmr_metrics would publish the figures another
    run collected (and no record of the definitions they were computed with); one that
    left out the landing group, the rows of whatever landing the warehouse last read."""
    from pmr.pipeline import gate_outcome

    log = RunLog(month="2026-10", landing="l", warehouse="w")
    log.steps = [{"step": "dbt build", "status": "ok"}, {"step": "checks", "status": "ok"}]
    assert gate_outcome(log) == [
        "the landing was not read in this run (the warehouse would hold the rows of the last ingest, of whatever "
        "landing it read)",
        "the metrics were not collected in this run (metrics.pmr_metrics would hold another run's figures)"]
    log.steps.insert(0, {"step": "ingest", "status": "ok"})
    log.steps.insert(2, {"step": "collect metrics", "status": "ok"})
    assert gate_outcome(log) == []
