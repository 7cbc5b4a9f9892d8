"""One Dagster run of a month = one run folder `<out>/.runs/<month>/<stamp>-<run id>`
and one run log (run-log.json), shared by the run's steps: each step loads the
log, records itself through the same pmr.pipeline step functions as `pmr run`,
and writes it back before it returns or fails."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.settings import FIRST_MONTH, PmrSettings
from pmr.pipeline import run_folder_for
from pmr.publish import RUNS, shows
from pmr.run_log import RUN_LOG, RunLog, open_run_log, utc_now_iso
from pmr.run_refusals import RunRefused, check_month_can_be_reported
from pmr.warehouse import MachineLimit, WarehouseLocked, machine_limit


def refuse_month(month: str) -> None:
    """A Dagster Failure, with no retry, for a month `pmr run` would refuse (one that has
    not ended) or one before the first monthly partition: a partition given as a run tag
    is checked against the partitions only after the run."""
    try:
        if month < FIRST_MONTH:
            raise RunRefused(f"{month} is before the first monthly partition, {FIRST_MONTH} (PMR_FIRST_MONTH)")
        check_month_can_be_reported(month, dt.datetime.now(dt.timezone.utc))
    except RunRefused as problem:
        raise dg.Failure(description=str(problem), allow_retries=False) from None


# The run tag, set in the launchpad, that lets a month with a day without data publish.
ALLOW_MISSING_DAYS_TAG = "pmr/allow_missing_days"


@dataclass
class MonthRun:
    month: str
    folder: Path
    log: RunLog
    settings: PmrSettings

    @classmethod
    def open(cls, context, settings: PmrSettings) -> "MonthRun":
        """The run log of the run, made by its first step. Every step refuses, before it
        makes or reads the log, a month `pmr run` would refuse: a run of a few assets
        (the dbt build and the report, without the ingest) is refused as a whole run is."""
        month = context.partition_key
        refuse_month(month)
        run_id = context.run.run_id
        folder = run_folder_for(settings.out_path, month, run_id)
        log = open_run_log(folder, month, settings.landing_path, settings.db_path, run_id)
        # a day of the month without data warns instead of blocking (pmr run --allow-missing-days)
        log.allow_missing_days = context.run.tags.get(ALLOW_MISSING_DAYS_TAG, "").lower() == "true"
        return cls(month=month, folder=folder, log=log, settings=settings)

    def save(self) -> Path:
        self.log.finished_at = utc_now_iso()
        return self.log.write(self.folder)

    def fail(self, status: str = "failed") -> None:
        """Mark the run log failed while an error is raised: a log the disk cannot take
        (it may be the error) must not hide that error."""
        if self.log.status == "running":
            self.log.status = status
        try:
            self.save()
        except OSError:
            pass

    @contextmanager
    def reporting_errors(self, known: tuple[type[Exception], ...] = (WarehouseLocked, MachineLimit),
                         describe: Callable[[Exception], str] = str) -> Iterator[None]:
        """Any error in the block marks the run log failed. A known problem (by default a
        warehouse held by another process) becomes a Dagster Failure with pmr's message and
        no retry, instead of a stack trace; so does DuckDB running out of memory or a full
        disk, with what to change (DuckDB's own advice, SET memory_limit, is not how pmr
        sets it)."""
        try:
            yield
        except known as problem:
            self.fail()
            raise dg.Failure(description=describe(problem), allow_retries=False) from None
        except (duckdb.Error, OSError) as problem:  # outside a step of the run log, which says the same
            self.fail()
            stop = machine_limit(problem)
            if not stop:
                raise
            raise dg.Failure(description=str(stop), allow_retries=False) from None
        except BaseException:
            self.fail()
            raise

    def progress(self, context):
        return lambda message: context.log.info(message)

    def metadata(self) -> dict:
        return {"run log": dg.MetadataValue.path(str(self.folder / "run-log.json"))}


def dagster_run_folder(out: Path, month: str, run_id: str) -> Path | None:
    """The run folder of Dagster run `run_id` of `month` under `out`, when it made one with a
    run log (a run refused before it read anything makes none)."""
    parent = Path(out) / RUNS / month
    folders = sorted(parent.glob(f"*-{run_id[:8]}")) if parent.is_dir() else []
    return folders[-1] if folders and (folders[-1] / RUN_LOG).exists() else None


# Dagster's failure of a blocked run names only the blocking asset check (DagsterAssetCheckFailedError);
# these tags put what the run log says beside the run in the runs list, where an operator looks first.
OUTCOME_TAG, BLOCKED_BY_TAG, FAILED_STEP_TAG, RUN_LOG_TAG = "pmr/outcome", "pmr/blocked_by", "pmr/failed_step", "pmr/run_log"
# the step close_stopped_run_log records for a run stopped outside its steps (Terminate, a killed worker)
TERMINATED_STEP = "dagster run"


def outcome_tags(out: Path, month: str, run_id: str) -> dict[str, str]:
    """Tags for a failed Dagster run of `month`, from its run log: NOT PUBLISHED, and the
    blocking checks that failed or the step that failed, and where the log is. Empty
    when the run left no run log, or its log does not say it was blocked or failed."""
    folder = dagster_run_folder(out, month, run_id)
    if folder is None:
        return {}
    try:
        log = RunLog.load(folder)
    except (OSError, ValueError, TypeError):  # a damaged log: the run's failure says enough
        return {}
    where = {RUN_LOG_TAG: str(folder / RUN_LOG)}
    if log.status == "blocked":
        return {OUTCOME_TAG: "NOT PUBLISHED: blocked by failed checks",
                BLOCKED_BY_TAG: ", ".join(log.blocked_by) or "the run's own checks (see its run log)", **where}
    if log.status == "failed":
        failed = log.failed_step()
        if failed and failed["step"] == TERMINATED_STEP:
            return {OUTCOME_TAG: "NOT PUBLISHED: the run was stopped", FAILED_STEP_TAG: failed.get("error", ""),
                    **where}
        return {OUTCOME_TAG: "NOT PUBLISHED: a step failed",
                **({FAILED_STEP_TAG: f"{failed['step']}: {failed.get('error', '')}"[:500]} if failed else {}), **where}
    return {}


def close_stopped_run_log(out: Path, month: str, run_id: str, status: str) -> Path | None:
    """Mark failed the run log of a Dagster run that ended (`status`: CANCELED or FAILURE)
    while its log still says "running": Terminate interrupts a step between two of its
    events, outside the step's own code, and a worker killed outright writes nothing, so
    the log would say "running" for ever. Returns the log closed, None when there was none
    to close (a log the run closed itself, or the folder published)."""
    folder = dagster_run_folder(out, month, run_id)
    if folder is None or shows(Path(out), month, folder):
        return None
    log = RunLog.load(folder)
    if log.status != "running":
        return None
    ended = "was terminated" if status == "CANCELED" else "failed outside its steps (its worker stopped)"
    log.close_as_failed(TERMINATED_STEP, f"the Dagster run {ended} before this log was closed; nothing was "
                                         "published by it")
    return log.write(folder)
