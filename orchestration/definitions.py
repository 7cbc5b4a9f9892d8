"""`defs`: the Dagster code location of the PMR warehouse (see orchestration/__init__.py
and docs/orchestration.md)."""

import warnings

import dagster as dg
from dagster_dbt import DbtCliResource

with warnings.catch_warnings():
    # Chosen on purpose and pinned with dagster 1.13.27: backfill_policy on assets (beta) and a
    # partitioned asset check (preview), so that a run is always exactly one month.
    warnings.simplefilter("ignore", dg.BetaWarning)
    warnings.simplefilter("ignore", dg.PreviewWarning)
    from orchestration.automation import (failed_run_log_sensor, landing_sensor, monthly_report_schedule, pmr_month_job,
                                          stopped_run_log_sensor)
    from orchestration.checks import publication_gate
    from orchestration.dbt import pmr_dbt
    from orchestration.deadline import report_deadline_sensor, report_freshness_policy
    from orchestration.ingest import built_files, landing_ingest
    from orchestration.metrics import pmr_metrics
    from orchestration.project import dbt_project
    from orchestration.report import pmr_report
    from orchestration.settings import PmrSettings
from pmr import dbt_with_parent


def build_definitions(settings: PmrSettings | None = None) -> dg.Definitions:
    """The code location; `settings` defaults to the environment (tests pass their own)."""
    policy = report_freshness_policy()
    report = pmr_report.map_asset_specs(lambda spec: dg.apply_freshness_policy(spec, policy))
    return dg.Definitions(
        assets=[landing_ingest, built_files, pmr_dbt, pmr_metrics, report],
        asset_checks=[publication_gate],
        jobs=[pmr_month_job],
        schedules=[monthly_report_schedule],
        sensors=[landing_sensor, report_deadline_sensor, stopped_run_log_sensor, failed_run_log_sensor],
        resources={
            "pmr": settings or PmrSettings.from_env(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_with_parent.executable()),
        },
        executor=dg.in_process_executor,
    )


defs = build_definitions()
