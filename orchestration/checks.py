"""The publication gate as a blocking asset check on metrics.pmr_metrics: the same
`pmr.gate.evaluate` as `pmr run` (this run's dbt test results, then the Great
Expectations suites of expectations/), on a read-only connection. A blocking
failure fails this step, so the report is not built and the run fails; the
report asset also refuses on its own (dagster#25112, #33351)."""

import dagster as dg

from orchestration.metrics import PMR_METRICS
from orchestration.runs import MonthRun
from orchestration.settings import DUCKDB_POOL, PmrSettings, monthly
from pmr import gate
from pmr.pipeline import gate_step, keep_quality_of_blocked_run

# A blocking check of its own when the gate runs in a Dagster run that did not read the
# landing and build the warehouse: with it among dbt's results, the gate checks nothing further.
BUILT_CHECK = "run: this run read the landing and built the warehouse"


def _table(checks: list[gate.CheckResult]) -> dg.MetadataValue:
    lines = ["| check | source | detail |", "|---|---|---|"]
    lines += [f"| {c.name} | {c.source} | {c.detail.replace('|', '/')} |" for c in checks]
    return dg.MetadataValue.md("\n".join(lines))


@dg.asset_check(
    asset=PMR_METRICS,
    name="publication_gate",
    blocking=True,
    partitions_def=monthly,
    pool=DUCKDB_POOL,
    description="Every blocking check must pass before the month is published: dbt tests of severity error and "
    "the blocking expectations (figures, segments, volume reconciliation, accounting). Warnings are listed "
    "in the report's data-quality appendix.",
)
def publication_gate(context: dg.AssetCheckExecutionContext, pmr: PmrSettings) -> dg.AssetCheckResult:
    run = MonthRun.open(context, pmr)
    dbt_checks = [c for c in run.log.check_results() if c.source == "dbt"]
    not_run_here = [step for step in ("ingest", "dbt build") if run.log.step_record(step) is None]
    if not_run_here:
        # re-executed from a failure, or the assets materialized without the landing group:
        # this run read or built nothing, so a pass here would vouch for another landing's
        # rows or a warehouse it did not check (the report refuses too)
        dbt_checks.append(gate.CheckResult(
            BUILT_CHECK, "dagster", False, True, f"{' and '.join(not_run_here)} did not run in this run (re-executed "
            "from a failure, or assets materialized without the landing group?): launch the month's partition "
            "again, a whole run"))
    with run.reporting_errors():
        checks = gate_step(run.log, pmr.db_path, run.month, dbt_checks, run.progress(context))
    failures, warnings = gate.blocking_failures(checks), gate.warnings(checks)
    if failures:
        run.log.status = "blocked"
        # a run that built nothing would keep a quality.csv of whatever build the warehouse holds now
        quality = keep_quality_of_blocked_run(pmr.db_path, run.folder) if not not_run_here else None
        # Dagster's own step failure names only this check: say here what failed and where to look
        context.log.error(
            f"NOT PUBLISHED: {run.month} failed blocking checks:\n{gate.listed(failures)}"
            + f"\nrun log: {run.folder / 'run-log.json'}" + (f"\nquality.csv: {quality}" if quality else ""))
    run.save()
    description = (
        f"{len(checks)} checks: {len(failures)} blocking failure(s), {len(warnings)} warning(s)"
        + ("; NOT PUBLISHABLE: " + ", ".join(c.name for c in failures) if failures else "")
    )
    return dg.AssetCheckResult(
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "checks": len(checks),
            "blocking failures": _table(failures) if failures else "none",
            "warnings": _table(warnings) if warnings else "none",
            **run.metadata(),
        },
    )
