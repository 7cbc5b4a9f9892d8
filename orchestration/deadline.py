"""Requirement 4 in Dagster: the report of a month is due by the end of the 10th
Working Day after the month (pmr.calendar, seeds/uk_bank_holidays.csv).

- `report_freshness_policy`: a cron freshness policy on the report asset. A cron
  cannot count Working Days, so the policy is computed from the calendar when the
  code location loads: it fires at the end of the deadline day of the month
  awaiting publication (the last complete month) and asks for a report
  materialised since that month ended. The asset shows as failing its freshness
  once that deadline passes unpublished. For later months the cron keeps the
  same day of month until the code location is reloaded (a few days' difference
  at most), so the exact, per-month signal is the check below.
- `published_by_deadline`: an asset check on each monthly partition of the
  report, evaluated when it is published (on time or late, and how many Working
  Days it took) and, for months past their deadline with no report, by the hourly
  `report_deadline_sensor` (failed, severity WARN).
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.settings import FIRST_MONTH, PmrSettings
from pmr.calendar import UK, deadline, deadline_end_utc, parse_month, previous_month, uk_date
from pmr.run_log import published_run_log
from pmr.publish import published_folder

REPORT = dg.AssetKey("pmr_report")
DEADLINE_CHECK = "published_by_deadline"


def pending_month(now: dt.datetime | None = None) -> str:
    """The last complete month: the one whose report is being prepared."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return previous_month(uk_date(now))


def report_freshness_policy(now: dt.datetime | None = None) -> dg.FreshnessPolicy:
    month = pending_month(now)
    late_from = deadline(month) + dt.timedelta(days=1)  # UK midnight after the deadline day
    _, last = parse_month(month)
    since_period_end = late_from - (last + dt.timedelta(days=1))
    return dg.FreshnessPolicy.cron(
        deadline_cron=f"0 0 {late_from.day} * *",
        lower_bound_delta=dt.timedelta(days=since_period_end.days),
        timezone=UK,
    )


def published_with_final_figures(out, month: str) -> bool:
    """A report of `month` is published, and it or an earlier publication had final figures."""
    if not (published_folder(out, month) / "pmr.html").exists():
        return False
    log = published_run_log(out, month)
    return log is None or log.requirement_4() is not None  # a report without a run log predates them


def late_months(first_month: str, now: dt.datetime, is_published) -> list[str]:
    """Months from `first_month` whose deadline has passed with no report published with
    final figures (`is_published`)."""
    months = []
    month = first_month
    last_complete = pending_month(now)
    while month <= last_complete:
        if deadline_end_utc(month) <= now and not is_published(month):
            months.append(month)
        first, last = parse_month(month)
        following = last + dt.timedelta(days=1)
        month = f"{following.year:04d}-{following.month:02d}"
    return months


def late_evaluation(month: str, now: dt.datetime) -> dg.AssetCheckEvaluation:
    due = deadline(month)
    return dg.AssetCheckEvaluation(
        asset_key=REPORT,
        check_name=DEADLINE_CHECK,
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        partition=month,
        description=f"{month} not published with final figures; it was due by the end of {due.isoformat()} "
        f"(10 Working Days after the period).",
        metadata={"deadline": due.isoformat(), "checked at": now.astimezone(ZoneInfo(UK)).isoformat(timespec="minutes")},
    )


@dg.sensor(
    name="report_deadline_sensor",
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Hourly: marks each month whose report is past its Working-Day deadline and not published "
    "with final figures as failing `published_by_deadline` (severity WARN), once. Launches no run.",
)
def report_deadline_sensor(context: dg.SensorEvaluationContext, pmr: PmrSettings):
    now = dt.datetime.now(dt.timezone.utc)
    out = pmr.out_path
    late = late_months(FIRST_MONTH, now, lambda m: published_with_final_figures(out, m))
    already = set(json.loads(context.cursor or "[]"))
    new = [m for m in late if m not in already]
    context.update_cursor(json.dumps(sorted(late)))
    if not new:
        return dg.SkipReason("no report newly past its deadline" + (f" (late: {', '.join(late)})" if late else ""))
    # a tick without a run request shows as "skipped" however much it did: its reason says what
    flagged = (f"flagged past the deadline without a report with final figures: {', '.join(new)} (check "
               "published_by_deadline failed; this sensor launches no run)")
    return dg.SensorResult(asset_events=[late_evaluation(m, now) for m in new], skip_reason=flagged)
