"""The month job, its schedule and the landing sensor.

- `pmr_month`: every asset and check of one monthly partition, steps one at a
  time in one process (DuckDB allows one process per file when anyone writes).
- `monthly_report_schedule`: evaluated every morning (UK time), it requests the
  previous month on the first Working Day after that month ends, and again on
  each later Working Day of the month after it while the month has no report
  published (a blocked run) or its published report is provisional (figures that
  look for data after the month, such as a correcting request within 7 days,
  before that data landed), past the deadline too (tagged `pmr/late`).
- `landing_sensor`: when files of the landing folder are added, changed or
  removed (and the sensor has seen the folder unchanged for a minute), it
  rebuilds the last complete month while that month is being prepared, that is,
  until its report is published with final figures. A month published final, or
  an older one, is rerun by hand (a backfill), since republishing one is the
  operator's decision; changes seen while the month is final are recorded as seen,
  so they do not start a run of the next month when it begins. It skips
  while a run (of the job, or "Materialize all") is queued or in progress; the schedule does not: it
  requests at most one run a day, which waits in the queue behind any other (one run at a time).
"""

import datetime as dt
import hashlib
import json
import time

import dagster as dg

from orchestration.runs import OUTCOME_TAG, close_stopped_run_log, outcome_tags
from orchestration.settings import FIRST_MONTH, PmrSettings
from pmr.calendar import UK, add_working_days, deadline, is_first_working_day_of_month, is_working_day, previous_month, uk_date
from pmr.ingest import file_version, landing_files, unread_entries
from pmr.run_log import published_is_provisional
from pmr.publish import published_folder

JOB_NAME = "pmr_month"
SETTLE_SECONDS = 60
ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]

pmr_month_job = dg.define_asset_job(
    JOB_NAME,
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Build one month: ingest, dbt build (with tests), metric collection, the publication gate, "
    "then render and publish the report.",
)


def run_in_progress(instance: dg.DagsterInstance) -> bool:
    """A run queued or going: of the month job, or of "Materialize all" (Dagster's own asset
    job, `__ASSET_JOB`), which builds the same month the same way."""
    return bool(instance.get_run_records(dg.RunsFilter(statuses=ACTIVE), limit=1))


def _valid_month(month: str) -> bool:
    return month >= FIRST_MONTH


def _now() -> float:
    return time.time()


@dg.schedule(
    name="monthly_report_schedule",
    job=pmr_month_job,
    cron_schedule="0 6 * * *",
    execution_timezone=UK,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="On the first Working Day after a month ends (06:00 UK), build and publish that month; on the "
    "Working Days after it, until the next month ends, again while it is not published or its report is "
    "provisional.",
)
def monthly_report_schedule(context: dg.ScheduleEvaluationContext, pmr: PmrSettings):
    day = uk_date(context.scheduled_execution_time)
    month = previous_month(day)
    if not _valid_month(month):
        return dg.SkipReason(f"{month} is before the first partition {FIRST_MONTH}")
    try:
        due = deadline(month)
    except ValueError as error:  # a year beyond the bank-holiday seed
        return dg.SkipReason(str(error))
    published = published_folder(pmr.out_path, month).exists()
    provisional = published_is_provisional(pmr.out_path, month)
    if published and not provisional:
        # republishing a final month is the operator's decision, even on the first Working
        # Day (a month published by hand over the weekend before it)
        return dg.SkipReason(f"{day.isoformat()}: {month}'s report is published with final figures")
    if is_first_working_day_of_month(day):
        return dg.RunRequest(run_key=f"schedule-{month}", partition_key=month, tags={"pmr/trigger": "schedule"})
    state = "still provisional" if published else "not published"
    late = day > due
    if not is_working_day(day):
        when = f"deadline {due.isoformat()}" + (", passed" if late else "")
        following = add_working_days(day, 1)
        if following.month != day.month:
            # the last days of the month after: from the 1st the schedule looks at another month
            return dg.SkipReason(f"{day.isoformat()} is not a Working Day; {month}'s report is {state} ({when}), "
                                 f"and from {following.replace(day=1).isoformat()} the schedule builds "
                                 f"{previous_month(following)}: launch {month}'s partition once its data has landed")
        # a weekend or bank holiday: the schedule itself tries again
        return dg.SkipReason(f"{day.isoformat()} is not a Working Day; {month}'s report is {state}: the schedule "
                             f"launches it on the next Working Day, {following.isoformat()} ({when})")
    # A new run key each day: what landed since may unblock the month, and what landed or
    # the clock passed since may make its figures final. Past the deadline too: the month
    # is late either way, and its figures should be final as soon as the data allows (a
    # window can outlast the deadline: a Future-Dated request executed weeks later).
    return dg.RunRequest(run_key=f"schedule-{month}-{day.isoformat()}", partition_key=month,
                         tags={"pmr/trigger": "schedule", "pmr/reason": "provisional" if published else "unpublished",
                               **({"pmr/late": f"deadline {due.isoformat()} passed"} if late else {})})


def landing_state(landing) -> dict[str, list[int]]:
    """Each landing file's version as ingest knows it (pmr.ingest.file_version), and each
    entry holding landing files that ingest cannot read (pmr.ingest.unread_entries: a
    misspelt source folder, a name DuckDB cannot open) with how many: its arrival starts
    a run too, whose gate blocks naming it, rather than going unseen until the schedule."""
    state = {path.relative_to(landing).as_posix(): list(file_version(path)) for _, path in landing_files(landing)}
    state.update({f"{entry} (not read)": [files] for entry, files, _ in unread_entries(landing) if files})
    return state


@dg.sensor(
    name="landing_sensor",
    job=pmr_month_job,
    minimum_interval_seconds=SETTLE_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="When landing files are added, changed or removed, rebuild the last complete month until its "
    "report is published with final figures.",
)
def landing_sensor(context: dg.SensorEvaluationContext, pmr: PmrSettings):
    landing = pmr.landing_path
    if not landing.is_dir():
        return dg.SkipReason(f"landing folder {landing} not found (set PMR_LANDING)")
    state = landing_state(landing)
    if not state:
        return dg.SkipReason(f"landing folder {landing} holds no landing files")
    digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
    cursor = json.loads(context.cursor) if context.cursor else {}
    if cursor.get("digest") == digest:
        return dg.SkipReason("no new or changed landing files")
    # Quiet means unchanged between two looks a minute apart: file times can be old
    # (copies that keep them), so they cannot tell when a delivery ended.
    now = _now()
    if cursor.get("pending") != digest:
        context.update_cursor(json.dumps({**cursor, "pending": digest, "seen_at": now}))
        return dg.SkipReason("landing files changed; building once the folder stays unchanged for a minute")
    if now - cursor["seen_at"] < SETTLE_SECONDS:
        return dg.SkipReason(f"landing files unchanged for {now - cursor['seen_at']:.0f} s; building once they "
                             f"have stayed so for {SETTLE_SECONDS} s")
    if run_in_progress(context.instance):
        return dg.SkipReason("a run is queued or in progress; will look again")
    month = previous_month(uk_date(dt.datetime.fromtimestamp(now, dt.timezone.utc)))
    if not _valid_month(month):
        return dg.SkipReason(f"{month} is before the first partition {FIRST_MONTH}")
    provisional = published_is_provisional(pmr.out_path, month)
    requests = cursor.get("requests", 0)
    if published_folder(pmr.out_path, month).exists() and not provisional:
        # Recorded as seen: left pending, this change would start a run of the next month
        # at the first tick after midnight on the 1st, before that month's last day lands.
        # The files stay those of the last run requested, which pmr/changed_files counts from.
        context.update_cursor(json.dumps({"digest": digest, "files": cursor.get("files", {}), "requests": requests}))
        return dg.SkipReason(f"{month} is published with final figures; to publish it again with these files, "
                             "launch its partition")
    old = cursor.get("files", {})
    changed = sorted(k for k in set(state) | set(old) if state.get(k) != old.get(k))
    requests += 1
    context.update_cursor(json.dumps({"digest": digest, "files": state, "requests": requests}))
    # the request count keeps the run key new when the folder returns to an earlier state
    return dg.RunRequest(
        run_key=f"landing-{month}-{digest}-{requests}",
        partition_key=month,
        tags={"pmr/trigger": "landing", "pmr/changed_files": str(len(changed)),
              **({"pmr/reason": "provisional"} if provisional else {})},
    )


def _close_run_log(context: dg.RunStatusSensorContext, pmr: PmrSettings):
    run = context.dagster_run
    month = run.tags.get("dagster/partition")
    closed = month and close_stopped_run_log(pmr.out_path, month, run.run_id, run.status.value)
    tags = tag_outcome(context.instance, run, pmr.out_path)
    said = f"; tagged {tags[OUTCOME_TAG]}" if tags else ""
    return dg.SkipReason((f"run log of {run.run_id[:8]} marked failed: {closed}" if closed
                          else f"run {run.run_id[:8]} has no run log left open: closed by the run, or by the "
                               "month's next run once the run's process was gone, or none was made (a run refused "
                               "before it read anything)") + said)


def tag_outcome(instance: dg.DagsterInstance, run: dg.DagsterRun, out) -> dict[str, str]:
    """Put on a failed or terminated run of a month the tags of orchestration.runs.outcome_tags
    (why nothing was published, from its run log). Returns them ({} for none)."""
    month = run.tags.get("dagster/partition")
    tags = outcome_tags(out, month, run.run_id) if month else {}
    if tags:
        instance.add_run_tags(run.run_id, tags)
    return tags


@dg.run_status_sensor(
    name="stopped_run_log_sensor",
    run_status=dg.DagsterRunStatus.CANCELED,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="When a month's run (pmr_month, or Materialize all) is terminated, mark its run log failed "
    "(it would say 'running') and tag the run pmr/outcome.",
)
def stopped_run_log_sensor(context: dg.RunStatusSensorContext, pmr: PmrSettings):
    return _close_run_log(context, pmr)


@dg.run_failure_sensor(
    name="failed_run_log_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="When a month's run fails, tag it with why nothing was published (pmr/outcome, pmr/blocked_by or "
    "pmr/failed_step, pmr/run_log, from its run log); when its run log still says 'running' (its worker killed), "
    "mark it failed first.",
)
def failed_run_log_sensor(context: dg.RunFailureSensorContext, pmr: PmrSettings):
    return _close_run_log(context, pmr)
