"""The report asset: render the month's report and publish it atomically, after
every other asset of the month. It refuses to publish unless this run read the
landing, built the warehouse, collected its metrics and the publication gate passed in this same run
(read from the run log), so a run where Dagster let it start despite a failing check (dagster#25112,
#33351) still publishes nothing, and fails."""

import dagster as dg

from orchestration.dbt import leaf_model_keys
from orchestration.deadline import DEADLINE_CHECK, REPORT
from orchestration.metrics import PMR_METRICS
from orchestration.runs import MonthRun
from orchestration.settings import DUCKDB_POOL, PmrSettings, monthly, one_month_per_run
from pmr.pipeline import gate_outcome, publish_step
from pmr.run_log import requirement_4_phrase


@dg.asset(
    key=REPORT,
    group_name="report",
    deps=[PMR_METRICS, *leaf_model_keys()],
    partitions_def=monthly,
    backfill_policy=one_month_per_run,
    pool=DUCKDB_POOL,
    kinds={"html", "csv"},
    check_specs=[
        dg.AssetCheckSpec(
            DEADLINE_CHECK,
            asset=REPORT,
            partitions_def=monthly,
            description="Published by the end of the 10th Working Day after the month (Requirement 4).",
        )
    ],
    description="<out>/<YYYY-MM>/: pmr.html, metrics.csv, quality.csv and run-log.json, published atomically "
    "once every blocking check of this run has passed.",
)
def pmr_report(context: dg.AssetExecutionContext, pmr: PmrSettings):
    run = MonthRun.open(context, pmr)
    reasons = gate_outcome(run.log)
    if reasons:
        run.fail(status="blocked")
        raise dg.Failure(
            description=f"NOT PUBLISHED: {run.month} was not published, the previous report (if any) is unchanged: "
            + "; ".join(reasons),
            metadata={"reasons": reasons, **run.metadata()},
            allow_retries=False,
        )
    # the log is written as each step ends, the publish step's straight after the link
    # moves: a worker that dies before this asset's end leaves the published folder's log
    # saying published, not running (no sensor looks at a published folder)
    run.log.keep_written_in(run.folder)
    with run.reporting_errors():
        link = publish_step(
            run.log, run.folder, pmr.out_path, run.month, run.log.check_results(), pmr.db_path, run.progress(context)
        )
    run.save()
    timeliness = run.log.requirement_4() or run.log.timeliness or {}
    yield dg.MaterializeResult(
        asset_key=REPORT,
        metadata={
            # the version this run published: the link moves on with the next publication
            "published": dg.MetadataValue.path(str(run.folder)),
            "published as": dg.MetadataValue.path(str(link)),
            **requirement_4_metadata(run.log),
            # later months' reports whose previous levels are from another version of this month
            **({"reports made stale": ", ".join(run.log.stale_reports)} if run.log.stale_reports else {}),
            **run.metadata(),
        },
        check_results=[
            dg.AssetCheckResult(
                asset_key=REPORT,
                check_name=DEADLINE_CHECK,
                passed=not_late(run.log),
                severity=dg.AssetCheckSeverity.WARN,
                description=requirement_4_phrase(run.log),
                metadata={k: v for k, v in timeliness.items() if v is not None},
            )
        ],
    )


def requirement_4_metadata(log) -> dict:
    """The deadline, this version's own publication date and Working Days, and
    Requirement 4 judged as published_by_deadline judges it: by the month's first final
    publication, and provisional figures before the deadline are not late yet."""
    judged, this_version = log.requirement_4() or log.timeliness or {}, log.timeliness or {}
    return {
        "deadline": judged.get("deadline"),
        "published on (UK)": this_version.get("published_uk_date"),
        "working days after the period": this_version.get("working_days_after_period_end"),
        "requirement 4": requirement_4_phrase(log),
        "late": not not_late(log),
        "provisional": log.provisional,
    }


def not_late(log) -> bool:
    """published_by_deadline of a publication (pmr.run_log.RunLog): final figures judged on
    time (those of the month's first final publication), or provisional figures published
    before the deadline, not late yet: report_deadline_sensor fails the check once the
    deadline passes without final figures."""
    judged = log.requirement_4() or log.timeliness or {}
    return bool(judged.get("on_time"))
