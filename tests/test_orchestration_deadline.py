"""The 10-Working-Day deadline in Dagster: the report's freshness policy follows the
Working-Day calendar, the deadline sensor flags late months (a month published only
with provisional figures counts as not published), and the report asset judges
Requirement 4 as the deadline check does, a re-issue by the month's first final
publication. The schedule and sensors: test_orchestration_automation.py."""

import datetime as dt

import dagster as dg
import pytest

from pmr.calendar import publication_timeliness
from pmr.run_log import RunLog
from tests.helpers import publish_run_log


@pytest.fixture(scope="module")
def code():
    from orchestration import deadline, settings

    return dict(deadline=deadline, settings=settings)


def test_the_freshness_policy_follows_the_working_day_deadline(code):
    policy = code["deadline"].report_freshness_policy
    november = policy(dt.datetime(2026, 11, 5, tzinfo=dt.timezone.utc))  # October due Fri 13 Nov
    assert november.deadline_cron == "0 0 14 * *"
    assert november.lower_bound_delta == dt.timedelta(days=13)
    assert november.timezone == "Europe/London"
    april = policy(dt.datetime(2026, 4, 2, tzinfo=dt.timezone.utc))  # March due Thu 16 Apr (Easter)
    assert (april.deadline_cron, april.lower_bound_delta) == ("0 0 17 * *", dt.timedelta(days=16))


def test_late_months_are_flagged_by_the_deadline_sensor(code, tmp_path):
    deadline = code["deadline"]
    now = dt.datetime(2026, 11, 16, 9, tzinfo=dt.timezone.utc)
    published = {"2026-09"}
    late = deadline.late_months("2026-08", now, lambda m: m in published)
    assert late == ["2026-08", "2026-10"]  # October was due 13 Nov; September is published
    assert deadline.late_months("2026-10", dt.datetime(2026, 11, 13, 23, tzinfo=dt.timezone.utc),
                                lambda m: False) == []  # still the deadline day
    evaluation = deadline.late_evaluation("2026-10", now)
    assert (evaluation.partition, evaluation.passed, evaluation.severity) == ("2026-10", False,
                                                                               dg.AssetCheckSeverity.WARN)
    assert "due by the end of 2026-11-13" in evaluation.description

    settings = code["settings"].PmrSettings(landing=str(tmp_path), out=str(tmp_path / "out"),
                                            db=str(tmp_path / "w.duckdb"))
    sensor = deadline.report_deadline_sensor
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance, resources={"pmr": settings})
        result = sensor(context)
        assert isinstance(result, dg.SensorResult) and result.asset_events
        assert all(not e.passed for e in result.asset_events)
        # the tick shows as skipped (it requests no run), so its reason names what it flagged
        assert "flagged past the deadline without a report with final figures: " in result.skip_reason.skip_message
        assert all(e.partition in result.skip_reason.skip_message for e in result.asset_events)
        again = dg.build_sensor_context(instance=instance, resources={"pmr": settings}, cursor=context.cursor)
        assert isinstance(sensor(again), dg.SkipReason)
        # the instance accepts the partitioned check evaluations the daemon reports
        instance.report_runless_asset_event(result.asset_events[0])
        key = dg.AssetCheckKey(deadline.REPORT, deadline.DEADLINE_CHECK)
        (record,) = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
        assert record.partition == result.asset_events[0].partition


def test_a_month_published_only_with_provisional_figures_counts_as_not_published_for_the_deadline(code, tmp_path):
    deadline = code["deadline"]
    publish_run_log(tmp_path, "2026-10", follow_up_passed=False)
    (tmp_path / "2026-10" / "pmr.html").write_text("<html></html>")
    assert not deadline.published_with_final_figures(tmp_path, "2026-10")
    publish_run_log(tmp_path, "2026-10", follow_up_passed=True)
    (tmp_path / "2026-10" / "pmr.html").write_text("<html></html>")
    assert deadline.published_with_final_figures(tmp_path, "2026-10")
    assert not deadline.published_with_final_figures(tmp_path, "2026-09")  # nothing published


def test_published_by_deadline_fails_a_late_publication_not_provisional_figures_before_the_deadline():
    """October 2026 is due by the end of Friday 13 November."""
    from orchestration.report import not_late

    def log(published, provisional, first_final=None):
        return RunLog(month="2026-10", landing="l", warehouse="w", provisional=provisional,
                      timeliness=publication_timeliness("2026-10", published), first_publication=first_final)

    before, after = dt.datetime(2026, 11, 10, 12), dt.datetime(2026, 11, 16, 12)
    assert not_late(log(before, provisional=False))
    assert not_late(log(before, provisional=True))  # not late yet: the deadline sensor judges it after the 13th
    assert not not_late(log(after, provisional=True))
    assert not not_late(log(after, provisional=False))
    # a re-issue is judged on the month's first final publication
    assert not_late(log(after, provisional=False, first_final=publication_timeliness("2026-10", before)))
    assert not not_late(log(before, provisional=True, first_final=publication_timeliness("2026-10", after)))


def test_the_report_materialization_judges_requirement_4_as_its_deadline_check_does():
    """Provisional figures published on Tuesday 10 November, 7 Working Days after October
    (2-6 and 9-10 November), are not late yet; a re-issue on Monday 16 November, 11 Working
    Days after, of a report first published final on the 10th is on time."""
    from orchestration.report import requirement_4_metadata

    before, after = dt.datetime(2026, 11, 10, 12), dt.datetime(2026, 11, 16, 12)
    provisional = requirement_4_metadata(RunLog(
        month="2026-10", landing="l", warehouse="w", provisional=True,
        timeliness=publication_timeliness("2026-10", before)))
    assert {key: provisional[key] for key in ("deadline", "published on (UK)", "working days after the period",
                                              "late")} == {
        "deadline": "2026-11-13", "published on (UK)": "2026-11-10", "working days after the period": 7,
        "late": False}
    assert "due with final figures by the end of 2026-11-13" in provisional["requirement 4"]

    reissue = requirement_4_metadata(RunLog(
        month="2026-10", landing="l", warehouse="w", provisional=False,
        timeliness=publication_timeliness("2026-10", after),
        first_publication=publication_timeliness("2026-10", before)))
    assert (reissue["published on (UK)"], reissue["working days after the period"], reissue["late"]) == (
        "2026-11-16", 11, False)
    assert reissue["requirement 4"].startswith("first published with final figures 2026-11-10")
    assert reissue["requirement 4"].endswith("on time")
