"""The month job refuses, before it reads a file, what `pmr run` refuses (pmr.run_refusals):
a broken metric declaration, a month that has not ended or is before the first partition,
an empty or missing landing folder, an output folder inside it, a real folder where the
report link goes; a run of a few assets is refused as the whole job is. A refused job
still closes the log of an earlier Dagster run killed outright. The job's runs that
build: test_orchestration.py."""

import dagster as dg
import pytest

from pmr.run_log import RunLog
from tests.dagster_jobs import failures, month_job, run_job
from tests.gate_landings import MONTH, write_good_landing


def test_a_broken_metric_declaration_stops_the_job_before_ingest(tmp_path, monkeypatch):
    import orchestration.ingest
    from tests.helpers import new_metric, project_with

    monkeypatch.setattr(orchestration.ingest, "PROJECT_DIR", project_with(tmp_path, new_metric(unit="percent")))
    db = tmp_path / "w.duckdb"
    result = run_job(month_job(write_good_landing(tmp_path / "landing"), tmp_path / "out", db))
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landing_ingest"
    assert "a metric definition breaks the contract of docs/adding-a-metric.md: zz.new: unit 'percent' is not one of" in str(
        failure.event_specific_data.error)
    assert not db.exists()


def test_a_month_that_has_not_ended_is_refused_before_ingest(tmp_path, monkeypatch):
    """A job launched with a partition tag for the current month (the CLI does not check
    it has ended) is refused as `pmr run` refuses it: nothing read, built or published."""
    import pmr.run_refusals

    monkeypatch.setattr(pmr.run_refusals, "month_has_ended", lambda month, now: False)
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    result = run_job(month_job(write_good_landing(tmp_path / "landing"), out, db))
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landing_ingest"
    assert "2026-10 has not ended yet (it ends 2026-11-01 00:00 UTC)" in str(failure.event_specific_data.error)
    assert not db.exists() and not (out / MONTH).exists()


def test_a_month_before_the_first_partition_is_refused_before_ingest(tmp_path, monkeypatch):
    """A partition given as a run tag is checked against the partitions only after the
    run: ingest refuses it first, as it refuses a month that has not ended."""
    import orchestration.runs

    monkeypatch.setattr(orchestration.runs, "FIRST_MONTH", "2026-11")
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    result = run_job(month_job(write_good_landing(tmp_path / "landing"), out, db))
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landing_ingest"
    assert "2026-10 is before the first monthly partition, 2026-11 (PMR_FIRST_MONTH)" in str(
        failure.event_specific_data.error)
    assert not db.exists() and not out.exists()


def test_a_run_of_a_few_assets_is_refused_for_a_month_that_has_not_ended(tmp_path, monkeypatch):
    """Every step refuses the month as the ingest does (MonthRun.open), so a run of the
    report alone, or of the build and the report without the ingest, is refused too."""
    import pmr.run_refusals

    monkeypatch.setattr(pmr.run_refusals, "month_has_ended", lambda month, now: False)
    out = tmp_path / "out"
    job = month_job(write_good_landing(tmp_path / "landing"), out, tmp_path / "w.duckdb")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(partition_key=MONTH, instance=instance, raise_on_error=False,
                                        asset_selection=[dg.AssetKey("pmr_report")])
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "2026-10 has not ended yet" in str(failure.event_specific_data.error)
    assert not out.exists()  # no run log either


def test_the_next_run_closes_the_log_of_a_dagster_run_killed_outright(tmp_path, monkeypatch):
    """A run started with `dagster job execute` has no daemon watching it: killed, its
    log would say "running" for ever. The month's next run closes it first thing, even
    when it is then refused (here: the month has not ended)."""
    import socket
    import subprocess
    import sys

    import pmr.run_refusals

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    killed = tmp_path / "out" / ".runs" / MONTH / "20261102T060000Z-0123abcd"
    killed.mkdir(parents=True)
    RunLog(month=MONTH, landing="l", warehouse="w", orchestrator="dagster", run_id="0123abcd" * 4, pid=gone.pid,
           host=socket.gethostname()).write(killed)
    monkeypatch.setattr(pmr.run_refusals, "month_has_ended", lambda month, now: False)
    result = run_job(month_job(write_good_landing(tmp_path / "landing"), tmp_path / "out", tmp_path / "w.duckdb"))
    assert "has not ended yet" in failures(result)
    assert (f"closed the run log of an earlier Dagster run killed before it finished: {killed / 'run-log.json'} "
            "(failed)") in result.log_messages
    assert RunLog.load(killed).status == "failed"


@pytest.mark.parametrize("make", ["empty", "missing"])
def test_an_empty_or_missing_landing_folder_is_refused_before_ingest(tmp_path, make):
    """As `pmr run` refuses it: an empty folder (a share not mounted) would otherwise empty
    raw.* and run a whole build of nothing before the gate blocked it."""
    landing, db, out = tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "out"
    if make == "empty":
        (landing / "service_requests").mkdir(parents=True)
    result = run_job(month_job(landing, out, db))
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landing_ingest"
    expected = f"{landing} holds no landing file" if make == "empty" else f"landing folder not found: {landing}"
    assert expected in str(failure.event_specific_data.error)
    assert "PMR_LANDING" in str(failure.event_specific_data.error)
    assert not db.exists() and not out.exists()  # as pmr run: a refused run writes nothing, no run log


def test_an_output_folder_inside_the_landing_folder_is_refused_before_ingest(tmp_path):
    """As `pmr run` refuses it: the next run would read the published files as landing
    files, and the gate would block every run after the first."""
    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    write_good_landing(landing)
    result = run_job(month_job(landing, landing / "out", db))
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landing_ingest"
    error = str(failure.event_specific_data.error)
    assert "is inside the landing folder" in error and "PMR_OUT and PMR_LANDING" in error
    assert not db.exists() and not (landing / "out").exists()  # no run log either: it would be a landing entry


def test_a_real_folder_where_the_report_link_goes_is_refused_before_ingest(tmp_path):
    """As `pmr run` refuses it: publishing replaces the link <out>/<month>, so a real
    folder there would fail the run only after the whole build."""
    landing, db, out = tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "out"
    write_good_landing(landing)
    (out / MONTH).mkdir(parents=True)
    result = run_job(month_job(landing, out, db))
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landing_ingest"
    error = str(failure.event_specific_data.error)
    assert f"{out / MONTH} is a real folder, not a published report link" in error and "PMR_OUT" in error
    assert not db.exists()
