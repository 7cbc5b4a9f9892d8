"""metrics.pmr_metrics: every metric model collected into the long table of
metrics.csv (pmr.metrics.collect, which also writes metrics.metric_catalogue and
metrics.metric_status), after the dbt build of the month; then the warehouse's
reading copy (pmr.reading_copy), as `pmr run` makes it after the same step."""

import dagster as dg

from orchestration.dbt import MANIFEST, metric_model_keys, seed_key
from orchestration.runs import MonthRun
from orchestration.settings import DUCKDB_POOL, PmrSettings, monthly, one_month_per_run
from pmr.metric_declarations import MetricDefinitionError
from pmr.pipeline import collect_step, reading_copy_step
from pmr.warehouse import MachineLimit, WarehouseLocked

PMR_METRICS = dg.AssetKey(["metrics", "pmr_metrics"])
_service_levels = seed_key("service_levels")


@dg.asset(
    key=PMR_METRICS,
    group_name="metrics",
    deps=[*metric_model_keys(), *([_service_levels] if _service_levels else [])],
    partitions_def=monthly,
    backfill_policy=one_month_per_run,
    pool=DUCKDB_POOL,
    kinds={"duckdb", "python"},
    description="metrics.pmr_metrics: one row per published figure of the month (the rows of metrics.csv), "
    "collected from every metric model with its requirement, kind, unit, target and minimum; beside it "
    "metrics.metric_catalogue (every declared metric id) and metrics.metric_status (whether each id's figures "
    "are final or still provisional). Then the warehouse is copied for analysts (reading-copy/ beside it), "
    "which pmr sql reads.",
)
def pmr_metrics(context: dg.AssetExecutionContext, pmr: PmrSettings) -> dg.MaterializeResult:
    run = MonthRun.open(context, pmr)
    with run.reporting_errors(known=(MetricDefinitionError, WarehouseLocked, MachineLimit),
                              describe=lambda problem: f"metric collection failed: {problem}"):
        rows = collect_step(run.log, pmr.db_path, run.month, manifest=MANIFEST)
    with run.reporting_errors():
        copy = reading_copy_step(run.log, pmr.db_path, run.progress(context))
    run.save()
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "reading copy": dg.MetadataValue.path(str(copy)),
                                          **run.metadata()})
