"""Landing ingest: the landing folder made readable in the warehouse's raw.*
schema (a view over each source's Parquet files, a table of its CSV rows), which
are the dbt sources `landing.<table>`, so the dbt graph hangs from these assets.

Ingest mirrors the whole landing folder (incrementally: unchanged files are not
read again), whatever the month; the assets carry the monthly partitions only so
that a month's run builds the whole chain in one go."""

import dagster as dg

from orchestration.runs import MonthRun, refuse_month
from orchestration.settings import DUCKDB_POOL, PmrSettings, monthly, one_month_per_run
from pmr import PROJECT_DIR, SOURCES
from pmr.metric_declarations import MetricDefinitionError, check_declarations
from pmr.metric_docs import undocumented_warnings
from pmr.pipeline import ingest_step
from pmr.publish import check_publishable
from pmr.run_log import close_abandoned_logs
from pmr.run_refusals import RunRefused, check_landing_holds_files, check_out_outside_landing
from pmr.warehouse import MachineLimit, WarehouseLocked

RAW_TABLES = (
    *(f"{source}_{part}" for source in SOURCES for part in ("parquet", "csv", "parquet_new", "csv_new")),
    "landing_files",
    "malformed_lines",
    "landing_unread",
)
_DESCRIPTIONS = {
    **{f"{s}_parquet": f"raw.{s}_parquet: a view over the accepted Parquet files of {s}, read in place."
       for s in SOURCES},
    **{f"{s}_csv": f"raw.{s}_csv: every row read from the CSV files of {s}, as text." for s in SOURCES},
    **{f"{s}_{part}_new": f"raw.{s}_{part}_new: the rows of raw.{s}_{part} from files the last successful build "
       "did not read (incremental builds)." for s in SOURCES for part in ("parquet", "csv")},
    "landing_files": "One row per landing file seen by the last ingest: size, status (loaded or skipped) and why.",
    "malformed_lines": "CSV lines that could not be split into columns, and every row of a file skipped as a whole.",
    "landing_unread": "What the landing folder holds that ingest does not read (misspelt source folders, files beside "
                      "them, notes), and source folders that are not there: a landing file among them blocks "
                      "publication.",
}


def landing_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", table])


# The dbt source landing.built_files is not written by the ingest but by the dbt build
# step after a successful build (pmr/build_state.py); declared here so that it sits in
# the landing group with the other landing tables (left alone, Dagster would make it a
# stand-in asset in the group "default").
built_files = dg.AssetSpec(
    landing_key("built_files"),
    group_name="landing",
    description="raw.built_files: the landing files (size, change time) the last successful dbt build "
    "read, kept by the dbt build step (pmr/build_state.py); read by incremental builds only, to tell the rows "
    "of files read before from new ones.",
    kinds={"duckdb"},
)


def _describe(problem: Exception) -> str:
    if isinstance(problem, MetricDefinitionError):
        return f"{problem.summary}: {problem}"
    return str(problem)


def _check_run_can_start(month: str, pmr: PmrSettings) -> list:
    """The refusals of pmr.run_refusals.check_run_can_start, each naming the setting to change:
    the month's first (orchestration.runs.refuse_month, which every step's MonthRun.open
    repeats), then the folders' and the declarations'. Returns the metric models declared."""
    refuse_month(month)
    try:
        # as `pmr run`: an empty or missing folder (a share not mounted) would empty raw.*
        check_landing_holds_files(pmr.landing_path)
    except RunRefused as problem:
        raise RunRefused(f"{problem} (PMR_LANDING names the landing folder)") from None
    try:  # found now, not after the whole build
        check_publishable(pmr.out_path, month)
    except FileExistsError as problem:
        raise RunRefused(f"{problem} (PMR_OUT names the output folder)") from None
    try:
        check_out_outside_landing(pmr.out_path, pmr.landing_path)
    except RunRefused as problem:
        raise RunRefused(f"{problem} (PMR_OUT and PMR_LANDING name them)") from None
    return check_declarations(PROJECT_DIR)


@dg.multi_asset(
    name="landing_ingest",
    specs=[
        dg.AssetSpec(
            landing_key(table),
            group_name="landing",
            description=_DESCRIPTIONS[table],
            kinds={"duckdb", "python"},
        )
        for table in RAW_TABLES
    ],
    partitions_def=monthly,
    backfill_policy=one_month_per_run,
    pool=DUCKDB_POOL,
)
def landing_ingest(context: dg.AssetExecutionContext, pmr: PmrSettings):
    """Read new and changed landing files into raw.* (writes the warehouse). A run
    `pmr run` would refuse (the month, the folders, a metric declaration that breaks
    docs/adding-a-metric.md) stops here, before anything is read or built: as `pmr run`, it
    makes no run log of its own (the output folder may be the wrong place for one); it
    still closes the log of an earlier run of the month killed outright."""
    # a run killed outright outside the run queue (dagster job execute) has no sensor to close its log
    for said in close_abandoned_logs(pmr.out_path, context.partition_key):
        context.log.warning(said)
    try:
        declared = _check_run_can_start(context.partition_key, pmr)
    except (MetricDefinitionError, RunRefused) as problem:
        raise dg.Failure(description=_describe(problem), allow_retries=False) from None
    run = MonthRun.open(context, pmr)
    with run.reporting_errors(known=(WarehouseLocked, MachineLimit), describe=_describe):
        for warning in undocumented_warnings(PROJECT_DIR, declared):
            context.log.warning(warning)
        record = ingest_step(run.log, pmr.landing_path, pmr.db_path, run.progress(context))
    run.save()
    summary = {
        "files loaded": record["files_loaded"],
        "files unchanged": record["files_unchanged"],
        "files removed": record["files_removed"],
        "files skipped": len(record["files_skipped"]),
        "entries not read": len(record.get("not_read", {})),
        "rows loaded": record["rows_loaded"],
        **run.metadata(),
    }
    for table in RAW_TABLES:
        yield dg.MaterializeResult(asset_key=landing_key(table), metadata=summary)
