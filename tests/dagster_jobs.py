"""The month job of orchestration/ on given folders, run in process on an ephemeral
Dagster instance, and what its run's events say."""

import dagster as dg

from tests.gate_landings import MONTH


def month_job(landing, out, db):
    """The month job on these folders and warehouse (the import parses the dbt project if needed)."""
    from orchestration import definitions, settings

    defs = definitions.build_definitions(settings.PmrSettings(landing=str(landing), out=str(out), db=str(db)))
    return defs.resolve_job_def("pmr_month")


def run_job(job, **kwargs):
    """The run's result, with its log messages (kept before the ephemeral instance closes)."""
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key=MONTH, instance=instance, raise_on_error=False, **kwargs)
        result.log_messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
        return result


def failures(result) -> str:
    return "\n".join(f"{e.step_key}: {e.event_specific_data.error.message if e.event_specific_data else e.message}"
                     for e in result.all_events if e.event_type_value == "STEP_FAILURE")
