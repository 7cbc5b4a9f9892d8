"""`pmr run`: build one month of the warehouse and publish its report.

ingest (landing -> raw) -> dbt build (staging, facts, marts, dbt tests) ->
collect metrics -> reading copy (pmr.reading_copy) -> publication gate (pmr.gate)
-> render (reports/) -> atomic publish (pmr.publish).

Each step is a function of its own (`ingest_step`, `dbt_step`, `collect_step`,
`reading_copy_step`, `gate_step`, `publish_step`) that records itself in a `RunLog`;
`pmr run` (`run_month`) chains them in one process, and the Dagster assets of
orchestration/ call the same functions one asset at a time, so both share one
implementation of every step and of the gate.

Every run writes a run log (steps, durations, row counts, check results, the
publication's timeliness) into its own run folder, published or not; a blocked
run records the checks that blocked it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Callable

import duckdb

from pmr import PROJECT_DIR, build_state, gate, metrics, publish, reading_copy, run_claim
from pmr.calendar import parse_month, previous_month, publication_timeliness, uk_date
from pmr.dbt_runner import DbtResult, run_dbt, target_path_for
from pmr.definitions import definitions_record
from pmr.ingest import ingest
from pmr.metric_docs import undocumented_warnings
from pmr.metric_tables import CATALOGUE
from pmr.run_log import (RUN_LOG, RunLog, close_abandoned_logs, earlier_publication, failed_caveats, reports_made_stale,
                         requirement_4_phrase, utc_now_iso)
from pmr.run_refusals import RunRefused, check_run_can_start
from pmr.warehouse import check_warehouse_name, connect, db_path

Progress = Callable[[str], None]
DBT_BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


def publication_clock() -> dt.datetime:
    """The instant a report is published at (a function, so tests can set it)."""
    return dt.datetime.now(dt.timezone.utc)


class PublicationBlocked(RuntimeError):
    """Blocking checks failed; nothing was published."""

    def __init__(self, failures: list[gate.CheckResult], run_folder: Path, quality: Path | None = None):
        self.failures, self.run_folder, self.quality = failures, run_folder, quality
        super().__init__("publication blocked by failing checks:\n" + gate.listed(failures))


def keep_quality_of_blocked_run(db: Path, run_folder: Path) -> Path | None:
    """quality.csv of a blocked run, in its run folder (never published): the
    per-file accounting is what shows which file a quarantine or skip came from.
    None when the build stopped before staging.quality_report could be read."""
    from reports.render import write_quality_csv

    try:
        with connect(db, read_only=True) as con:
            run_folder.mkdir(parents=True, exist_ok=True)
            return write_quality_csv(con, run_folder)
    except duckdb.Error:
        return None


# --- the steps ---------------------------------------------------------------

def ingest_step(log: RunLog, landing: Path, db: Path, progress: Progress, reread: bool = False) -> dict:
    """Bring raw.* in line with the landing folder (writes the warehouse); `reread`
    reads every file again (a full refresh)."""
    with log.step("ingest") as record, connect(db) as con:
        run_claim.hold(con, log)
        left_by_a_killed_run = reading_copy.remove_partial(db)
        if left_by_a_killed_run:
            record["removed_partial_reading_copy_bytes"] = left_by_a_killed_run
            progress(f"removed a partial reading copy ({left_by_a_killed_run / 2**20:,.0f} MB) that a run stopped "
                     "while copying the warehouse left")
        report = ingest(con, Path(landing), progress, reread=reread)
        record.update(
            files_loaded=len(report.loaded),
            files_unchanged=len(report.unchanged),
            files_removed=len(report.removed),
            files_skipped=report.skipped,
            rows_loaded=report.rows_loaded,
        )
        if report.read_again:
            record["read_again"] = report.read_again
        if report.ignored:
            record["not_read"] = report.ignored
        if report.removed:
            # by name: the month's figures change without them, and the folder no longer shows them
            record["removed"] = report.removed
        for key in report.removed:
            progress(f"removed {key}: no longer in the landing folder, its rows leave the warehouse")
        for key, reason in report.skipped.items():
            progress(f"skipped {key}: {reason}")
        for key, reason in report.ignored.items():
            progress(f"not read: {key}: {reason}")
    return record


def record_dbt_result(record: dict, result: DbtResult, con: duckdb.DuckDBPyConnection) -> None:
    """Row counts and node count of a dbt build, into its step record."""
    record["nodes"] = len(result.results)
    record["ok"] = result.ok
    record["rows"] = model_row_counts(con, [r["unique_id"].split(".")[-1] for r in result.results
                                            if r["unique_id"].startswith("model.")])
    failed = [c for c in gate.from_dbt(result) if not c.passed]
    if failed:
        record["failed"] = [c.name for c in failed]


def model_row_counts(con: duckdb.DuckDBPyConnection, models: list[str]) -> dict[str, int | None]:
    """Rows in each model's table after a build, counted in the warehouse (dbt-duckdb
    reports none); None for a view, or a table built in the scratch database."""
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
        wanted = set(models)
        counts = {
            table: con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            for schema, table in tables if table in wanted
        }
    except duckdb.Error:  # the build failed before the warehouse could be read
        counts = {}
    return {name: counts.get(name) for name in models}


def plan_dbt_build(log: RunLog, db: Path, month: str, full_refresh: bool, progress: Progress) -> build_state.BuildPlan:
    """Full or incremental (pmr.build_state), recorded as started in the warehouse."""
    with connect(db) as con:
        run_claim.hold(con, log)
        build = build_state.plan(con, month, full_refresh)
        build_state.mark_building(con, build)
    progress(f"dbt build: {build.mode} ({build.reason})")
    return build


def finish_dbt_build(log: RunLog, db: Path, build: build_state.BuildPlan, record: dict, result: DbtResult) -> None:
    """Record what dbt built in the step record (counted on the warehouse as this run
    left it), and the build as complete when dbt built every model and seed, so the next
    build can be incremental; otherwise the next build is full. A run that lost the
    warehouse to another run around its dbt build stops here (WarehouseTakenOver),
    before it counts the other run's tables as its own."""
    record["mode"], record["mode_reason"] = build.mode, build.reason
    with connect(db) as con:
        run_claim.check(con, log)
        record_dbt_result(record, result, con)
        if build_state.models_all_built(result.results):
            build_state.mark_built(con, build)


def dbt_step(
    log: RunLog, db: Path, month: str, progress: Progress, full_refresh: bool = False
) -> list[gate.CheckResult]:
    """dbt build for `month` (writes the warehouse); returns dbt's checks for the gate."""
    with log.step("dbt build") as record:
        build = plan_dbt_build(log, db, month, full_refresh, progress)
        result = run_dbt(DBT_BUILD_ARGS + build.dbt_args, db, period=month, progress=progress, claim=log.claim)
        finish_dbt_build(log, db, build, record, result)
    return gate.from_dbt(result)


def collect_step(log: RunLog, db: Path, month: str, manifest: Path | None = None) -> int:
    """(Re)build metrics.pmr_metrics from the metric models (writes the warehouse)."""
    manifest = manifest or target_path_for(db) / "manifest.json"
    with log.step("collect metrics") as record, connect(db) as con:
        run_claim.hold(con, log)
        record["rows"] = metrics.collect(con, manifest, month)
        models = [model for (model,) in con.execute(f"select distinct model from {CATALOGUE}").fetchall()]
        log.definitions = definitions_record(json.loads(manifest.read_text()), models)
    return record["rows"]


def reading_copy_step(log: RunLog, db: Path, progress: Progress) -> Path:
    """Replace the warehouse's reading copy (pmr.reading_copy) with the warehouse as
    this run built it: the last step that writes the warehouse, so analysts read the
    month's figures while the gate and the report run, and whatever happens to them.
    A copy that cannot be written (a full disk: the copy needs the warehouse's size
    free beside the last copy) is a warning, not a reason to withhold the report: the
    last copy stays, and queries of it say the warehouse has changed since."""
    copy = reading_copy.reading_copy_path(db)
    with log.step("reading copy") as record, connect(db) as con:
        run_claim.check(con, log)
        try:
            size = reading_copy.refresh(con, db)
        except OSError as error:
            record["warning"] = (f"the reading copy was not replaced ({error}): {copy} still holds an earlier build, "
                                 "and queries of it say the warehouse has changed since; the copy needs the "
                                 "warehouse's size free on its disk, beside the copy it replaces")
            progress(f"warning: {record['warning']}")
            return copy
        record["bytes"] = size
    progress(f"reading copy: {copy} ({size / 2**20:,.0f} MB), which pmr sql reads")
    return copy


def gate_step(
    log: RunLog, db: Path, month: str, dbt_checks: list[gate.CheckResult], progress: Progress
) -> list[gate.CheckResult]:
    """The publication gate, on a read-only connection; records every check."""
    with log.step("checks") as record, connect(db, read_only=True) as con:
        run_claim.check(con, log)
        progress("checks: running the publication gate")
        checks = gate.evaluate(con, month, dbt_checks, progress, log.allow_missing_days)
        log.record_checks(checks)
        record.update(
            passed=sum(c.passed for c in checks),
            failed=len(log.blocked_by),
            warnings=len(gate.warnings(checks)),
        )
    return checks


def publish_step(
    log: RunLog, run_folder: Path, out: Path, month: str, checks: list[gate.CheckResult], db: Path, progress: Progress
) -> Path:
    """Render the report into `run_folder` (read-only) and publish it atomically."""
    from reports.render import render_report

    earlier = earlier_publication(Path(out), month, progress)
    if earlier is not None:
        log.first_publication = earlier.requirement_4()
        log.replaces = {"published_at": earlier.timeliness.get("published_at"), "provisional": earlier.provisional,
                        # named under the output folder, wherever .runs/ really is
                        "folder": f"{publish.RUNS}/{month}/{publish.published_folder(Path(out), month).resolve().name}"}
    with log.step("render") as record, connect(db, read_only=True) as con:
        run_claim.check(con, log)  # the report reads this connection only, which keeps other runs out
        progress("render: writing the report")
        dated = publication_clock()
        while True:
            log.timeliness = publication_timeliness(month, dated)
            # also records in the log the previous month's publication it read (previous_levels_from)
            record["files"] = render_report(con, month, run_folder, checks, log,
                                            Path(out) / previous_month(parse_month(month)[0]) / "metrics.csv")
            # Requirement 4 judges the UK day the report is published on, and the report
            # states it: one rendered before midnight and published after it would say
            # on time a day late
            finished = publication_clock()
            if uk_date(finished) == uk_date(dated):
                break
            dated = finished
            progress(f"render: the UK day changed while writing the report: writing it again, dated {uk_date(dated)}")
    with log.step("publish"):
        link = publish.publish(run_folder, Path(out), month)
        # before the step's record is written: a run killed after it has published, not failed
        log.status, log.published = "published", str(link)
    progress(f"published {link} ({requirement_4_phrase(log)})")
    caveats = failed_caveats({"checks": log.checks})
    log.stale_reports = reports_made_stale(Path(out), month, link / "metrics.csv", caveats)
    for later in log.stale_reports:
        progress(f"warning: the report published for {later} shows previous levels from another version of "
                 f"{month}, or none: run `pmr run --month {later}` again to update them")
    return link


# --- pmr run -----------------------------------------------------------------

def build(
    month: str, landing: Path, db: Path, log: RunLog, progress: Progress, full_refresh: bool = False
) -> list[gate.CheckResult]:
    """Ingest and dbt build, then, if dbt succeeded, collect the metrics and copy the
    warehouse for reading; returns dbt's check results (tests) for the gate."""
    ingest_step(log, landing, db, progress, reread=full_refresh)
    # dbt builds in its own process; this one meanwhile imports what the gate and
    # the report need, and joins before returning, so no two threads ever import
    # the same module at once
    preload = threading.Thread(target=preload_publication_modules, name="preload", daemon=True)
    preload.start()
    try:
        checks = dbt_step(log, db, month, progress, full_refresh)
    finally:
        preload.join()
    if not gate.blocking_failures(checks):  # from_dbt turns any dbt failure into one
        collect_step(log, db, month)
        reading_copy_step(log, db, progress)
    return checks


def preload_publication_modules() -> None:
    """Import the gate's and the report's libraries, Great Expectations above all
    (about 2.5 s of the run when imported after dbt)."""
    try:
        from expectations.runner import gx_modules
        import reports.render  # noqa: F401

        gx_modules()
    except Exception:  # the step that needs them imports them again and reports the error
        pass


def run_month(
    month: str,
    landing: Path,
    out: Path,
    db: Path | None = None,
    progress: Progress | None = None,
    full_refresh: bool = False,
    allow_missing_days: bool = False,
) -> Path:
    """Build and publish `month`; returns the published folder. Raises
    PublicationBlocked when a blocking check fails (the published report, if any,
    is left as it was). The build is incremental when the warehouse allows it
    (pmr.build_state), full when `full_refresh` or when it does not."""
    declared = check_run_can_start(month, Path(landing), dt.datetime.now(dt.timezone.utc), Path(out))
    progress = progress or (lambda message: None)
    for warning in undocumented_warnings(PROJECT_DIR, declared):
        progress(f"warning: {warning}")
    db = db or db_path()
    try:
        check_warehouse_name(Path(db))
    except ValueError as error:
        raise RunRefused(str(error)) from None
    out = Path(out)
    for said in close_abandoned_logs(out, month):
        progress(said)
    log = RunLog(month=month, landing=str(landing), warehouse=str(db), allow_missing_days=allow_missing_days,
                 pid=os.getpid(), host=socket.gethostname())
    try:
        run_folder = publish.new_run_folder(out, month)
    except OSError as error:  # a read-only or full disk: before any step, so nothing else says where
        error.add_note(f"making the run's folder in the output folder {out}, which --out names")
        raise
    log.keep_written_in(run_folder)  # a run killed outright still leaves a log of the steps it finished
    try:
        dbt_checks = build(month, Path(landing), db, log, progress, full_refresh)
        checks = gate_step(log, db, month, dbt_checks, progress)
        blocking = gate.blocking_failures(checks)
        if blocking:
            log.status = "blocked"
            raise PublicationBlocked(blocking, run_folder, keep_quality_of_blocked_run(db, run_folder))
        return publish_step(log, run_folder, out, month, checks, db, progress)
    except BaseException:
        if log.status == "running":
            log.status = "failed"
        raise
    finally:
        failure = sys.exc_info()[1]
        log.finished_at = utc_now_iso()
        try:
            log.write(run_folder)
        except OSError:
            if failure is None:
                raise
            # the disk the run failed on cannot take its log either: report the first error
        else:
            if failure is not None:  # Ctrl-C and SIGTERM too: their message names the log as well
                failure.run_log = run_folder / RUN_LOG  # for the message that reports the failure


# --- runs split over several processes or steps (Dagster) --------------------

def run_folder_for(out: Path, month: str, run_id: str) -> Path:
    """The run folder of an orchestrated run: `<out>/.runs/<month>/<stamp>-<run id>`,
    created by the first step that needs it and found again by the others."""
    parent = Path(out) / publish.RUNS / month
    suffix = f"-{run_id[:8]}"
    if parent.is_dir():
        found = sorted(p for p in parent.iterdir() if p.is_dir() and p.name.endswith(suffix))
        if found:
            return found[-1]
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = parent / f"{stamp}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def gate_outcome(log: RunLog) -> list[str]:
    """Why `log`'s run may not publish (empty when it may): the ingest of the landing
    named in the log, the dbt build, the metrics' collection and the gate must all have
    run in this run, and no blocking check may have failed. Fails closed: a run whose
    gate never ran does not publish."""
    reasons = []
    ingest_record = log.step_record("ingest")
    if ingest_record is None or ingest_record.get("status") != "ok":
        reasons.append("the landing was not read in this run (the warehouse would hold the rows of the last ingest, "
                       "of whatever landing it read)")
    dbt_record = log.step_record("dbt build")
    if dbt_record is None:
        reasons.append("dbt build did not run in this run")
    elif dbt_record.get("status") != "ok" or not dbt_record.get("ok", True):
        reasons.append("dbt build failed")
    collect_record = log.step_record("collect metrics")
    if collect_record is None or collect_record.get("status") != "ok":
        reasons.append("the metrics were not collected in this run (metrics.pmr_metrics would hold another "
                       "run's figures)")
    checks_record = log.step_record("checks")
    if checks_record is None or checks_record.get("status") != "ok":
        reasons.append("the publication gate did not run (or did not finish) in this run")
    reasons += [f"blocking check failed: {name}" for name in log.blocked_by]
    return reasons
