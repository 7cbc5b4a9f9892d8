"""The month job and its gate: the job runs in process on a good month (published)
and on a garbage month (the same gate stops the report: nothing published, run not
successful), then `pmr run` runs the garbage month into the same out folder (exit 2,
the failed checks named, its quality.csv kept unpublished, the published report
unchanged). The report asset refuses on its own when the gate did not pass in its run
(dagster#25112, #33351), and a gate re-executed or run without the landing fails.
Settings and definitions: test_orchestration_settings.py; the schedule and sensors:
test_orchestration_automation.py; what the job refuses before it reads a file:
test_orchestration_refusals.py."""

import contextlib
import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from orchestration.runs import ALLOW_MISSING_DAYS_TAG
from pmr.cli import main
from pmr.run_log import RunLog
from tests.dagster_jobs import failures, month_job, run_job
from tests.gate_landings import MONTH, snapshot, write_garbage_landing, write_good_landing


@pytest.fixture(scope="module")
def code():
    """The orchestration modules, imported once (the import parses the dbt project if needed)."""
    from orchestration import automation, deadline, definitions, settings

    return dict(automation=automation, deadline=deadline, definitions=definitions, settings=settings)


def check_evaluations(result, name):
    return [e.event_specific_data for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.event_specific_data.check_name == name]


def materialized(result):
    return {e.asset_key.to_user_string() for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}


def job_from_env():
    """The month job on the settings of the environment, for Dagster to rebuild it in a
    re-execution (dg.reconstructable needs a function of a module)."""
    from orchestration import definitions, settings

    return definitions.build_definitions(settings.PmrSettings.from_env()).resolve_job_def("pmr_month")


@pytest.fixture(scope="module")
def good_run(code, tmp_path_factory):
    """The good month published by the job on the settings of the environment, in an
    instance that stays open for the tests that re-execute its run. The module's only
    build of the good month (each build takes most of a minute): the garbage runs of
    dagster_runs then build the same warehouse."""
    base = tmp_path_factory.mktemp("dagster")
    out, db = base / "out", base / "warehouse.duckdb"
    env = {"PMR_LANDING": str(write_good_landing(base / "good")), "PMR_OUT": str(out), "PMR_DB": str(db)}
    with dg.DagsterInstance.ephemeral() as instance:
        with pytest.MonkeyPatch.context() as patch:
            # test_a_second_run_of_the_month_starts_from_the_first_runs_parse reads dbt's log
            patch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
            for name, value in env.items():
                patch.setenv(name, value)
            # the hand-made landings have rows on a few days of the month only: the good one
            # publishes only if the run's tag reaches the gate
            good = job_from_env().execute_in_process(partition_key=MONTH, instance=instance, raise_on_error=False,
                                                     tags={ALLOW_MISSING_DAYS_TAG: "true"})
        published = out / MONTH
        before = (published.resolve(), snapshot(published)) if published.exists() else (None, {})
        yield dict(base=base, out=out, db=db, env=env, instance=instance, good=good, published=published,
                   before=before, warehouse_holds="the good month")


@pytest.fixture(scope="module")
def dagster_runs(good_run):
    """good_run, then the garbage month by the job and by `pmr run`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
        runs = dict(good_run, **_garbage_runs(good_run))
    good_run["warehouse_holds"] = "the garbage month"
    return runs


def _garbage_runs(good_run):
    base, out, db = good_run["base"], good_run["out"], good_run["db"]
    # an analyst's notebook opens the good month's build and stays open through the runs after it
    notebook = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pmr.ad_hoc import open_warehouse
        con = open_warehouse({str(db)!r})
        for _ in range(2):
            print(con.execute("select count(*) from quarantined_rows").fetchone()[0], flush=True)
            sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        notebook_read = [notebook.stdout.readline().strip()]
        garbage = run_job(month_job(write_garbage_landing(base / "garbage"), out, db))
        # the CLI on its own copy of the garbage landing: new files, so a full build, as after a good month
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            cli_code = main(["run", "--month", MONTH, "--out", str(out), "--db", str(db), "--allow-missing-days",
                             "--landing", str(write_garbage_landing(base / "garbage_cli"))])
        notebook.stdin.write("again\n")
        notebook.stdin.flush()
        notebook_read.append(notebook.stdout.readline().strip())
    finally:
        notebook.kill()
        notebook.wait()
    return dict(garbage=garbage, cli_code=cli_code, cli_stderr=stderr.getvalue(), notebook_read=notebook_read)


def cli_run_folder(out):
    """The run folder of the `pmr run` of dagster_runs (the others are the job's)."""
    (folder,) = [p for p in (out / ".runs" / MONTH).iterdir() if (p / "run-log.json").is_file()
                 and json.loads((p / "run-log.json").read_text())["orchestrator"] == "pmr run"]
    return folder


def test_good_month_is_published_by_the_job(good_run):
    good = good_run["good"]
    assert good.success, failures(good)
    assert "pmr_report" in materialized(good)
    (gate_result,) = check_evaluations(good, "publication_gate")
    assert gate_result.passed
    files = good_run["before"][1]
    assert {"pmr.html", "metrics.csv", "quality.csv", "run-log.json"} <= set(files)
    log = json.loads(files["run-log.json"])
    assert log["orchestrator"] == "dagster" and log["status"] == "published"
    assert [s["step"] for s in log["steps"]] == ["ingest", "dbt build", "collect metrics", "reading copy", "checks",
                                                 "render", "publish"]
    assert log["timeliness"]["deadline"] == "2026-11-13"
    # the run held the warehouse by its run id from its first step to its last (pmr.run_claim)
    assert log["claim"] == good.run_id and log["claimed_at"] is not None
    (deadline_result,) = check_evaluations(good, "published_by_deadline")
    assert deadline_result.passed == log["timeliness"]["on_time"]
    # the materialisation names the version it published, which the link showed then
    [report] = [e.event_specific_data.materialization.metadata for e in good.all_events
                if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key.to_user_string() == "pmr_report"]
    assert Path(report["published"].value) == good_run["before"][0]
    assert Path(report["published as"].value) == good_run["published"]
    # and says what published_by_deadline says, beside this version's own date
    assert report["late"].value is (not deadline_result.passed)
    assert report["requirement 4"].value == deadline_result.description
    assert report["published on (UK)"].value == log["timeliness"]["published_uk_date"]
    # the collection of the figures names the copy of the warehouse that analysts read
    [collected] = [e.event_specific_data.materialization.metadata for e in good.all_events
                   if e.event_type_value == "ASSET_MATERIALIZATION"
                   and e.asset_key.to_user_string() == "metrics/pmr_metrics"]
    assert collected["reading copy"].value == str(good_run["db"].parent / "reading-copy" / "warehouse.duckdb")


def run_log_of(out, run_id):
    [log] = [log for log in (RunLog.load(folder) for folder in (out / ".runs" / MONTH).iterdir()) if log.run_id == run_id]
    return log


def test_a_gate_re_executed_from_a_failure_fails_as_nothing_was_built(good_run, monkeypatch):
    """"Re-execute from failure" runs the gate again in a new run that built nothing: it
    ran the expectation suites without dbt's tests and passed. It now fails on its own
    check, recorded in the new run's log, and the published report stays. On the
    good month's warehouse, where every other check passes (so before the garbage runs,
    which later tests of this module read)."""
    assert good_run["warehouse_holds"] == "the good month"
    first, instance, out = good_run["good"], good_run["instance"], good_run["out"]
    for name, value in good_run["env"].items():
        monkeypatch.setenv(name, value)
    published, before = good_run["before"][0], snapshot(out / MONTH)
    again = dg.execute_job(
        dg.reconstructable(job_from_env), instance=instance, tags=dict(first.dagster_run.tags),
        reexecution_options=dg.ReexecutionOptions(parent_run_id=first.run_id,
                                                  step_selection=["metrics__pmr_metrics_publication_gate"]))
    assert not again.success
    [evaluation] = [e.dagster_event.event_specific_data for e in instance.all_logs(again.run_id)
                    if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert not evaluation.passed and "run: this run read the landing and built the warehouse" in evaluation.description
    log = run_log_of(out, again.run_id)
    assert (log.status, log.blocked_by) == ("blocked", ["run: this run read the landing and built the warehouse"])
    # no quality.csv beside its log: it would be of a build this run did not make
    [folder] = [folder for folder in (out / ".runs" / MONTH).iterdir() if RunLog.load(folder).run_id == again.run_id]
    assert not (folder / "quality.csv").exists()
    assert (out / MONTH).resolve() == published and snapshot(out / MONTH) == before


def test_garbage_month_is_stopped_by_the_same_gate(dagster_runs):
    garbage = dagster_runs["garbage"]
    assert not garbage.success
    assert "pmr_report" not in materialized(garbage)
    evaluations = check_evaluations(garbage, "publication_gate")
    assert len(evaluations) == 1, failures(garbage)
    (gate_result,) = evaluations
    assert not gate_result.passed
    assert "accounting: quarantined share within limit" in gate_result.description
    # neither this run nor the CLI's after it changed the good month's published report
    target, files = dagster_runs["before"]
    assert dagster_runs["published"].resolve() == target
    assert snapshot(dagster_runs["published"]) == files


def test_a_notebook_open_on_the_reading_copy_stops_no_run(dagster_runs, capsys):
    """The notebook opened the good month's build (no row quarantined) and held it
    through both garbage runs, which built and reached their gate; it
    still reads that build, while a new query reads the last run's, the CLI's 300
    quarantined rows (before it, the Dagster run's own garbage landing)."""
    assert dagster_runs["notebook_read"] == ["0", "0"]
    assert len(check_evaluations(dagster_runs["garbage"], "publication_gate")) == 1
    assert dagster_runs["cli_code"] == 2  # blocked by its gate, not 3 for a warehouse in use
    assert main(["sql", "--db", str(dagster_runs["db"]), "select count(*) as rows from quarantined_rows"]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "300"


def test_the_blocked_dagster_run_records_the_failed_checks(dagster_runs):
    garbage_run_id = dagster_runs["garbage"].run_id
    (folder,) = [p for p in (dagster_runs["out"] / ".runs" / MONTH).iterdir() if p.name.endswith(garbage_run_id[:8])]
    log = json.loads((folder / "run-log.json").read_text())
    assert log["status"] == "blocked"
    assert "accounting: quarantined share within limit" in log["blocked_by"]
    assert not (folder / "pmr.html").exists()
    assert "service_requests/extract.csv,306,6,0,300," in (folder / "quality.csv").read_text()
    # the run's event log says what failed, where Dagster's step failure names only the check
    assert any("NOT PUBLISHED" in m and "accounting: quarantined share within limit" in m and "quality.csv" in m
               for m in dagster_runs["garbage"].log_messages)
    # and failed_run_log_sensor's tags for the runs list, from that log
    from orchestration.runs import outcome_tags

    tags = outcome_tags(dagster_runs["out"], MONTH, garbage_run_id)
    assert tags["pmr/outcome"] == "NOT PUBLISHED: blocked by failed checks"
    assert "accounting: quarantined share within limit" in tags["pmr/blocked_by"]


def test_garbage_is_not_published_and_the_cli_names_the_failed_checks(dagster_runs):
    assert dagster_runs["cli_code"] == 2
    stderr = dagster_runs["cli_stderr"]
    assert "NOT PUBLISHED" in stderr
    assert "accounting: quarantined share within limit" in stderr
    assert "service_requests" in stderr
    assert "run log:" in stderr
    assert "quarantined per file:" in stderr
    assert "Traceback" not in stderr


def test_the_blocked_cli_run_log_names_the_failed_checks(dagster_runs):
    folder = cli_run_folder(dagster_runs["out"])
    log = json.loads((folder / "run-log.json").read_text())
    assert log["status"] == "blocked"
    assert "accounting: quarantined share within limit" in log["blocked_by"]
    failed_checks = {c["name"]: c for c in log["checks"] if not c["passed"] and c["blocking"]}
    assert "service_requests" in failed_checks["accounting: quarantined share within limit"]["detail"]
    assert [s["step"] for s in log["steps"]] == ["ingest", "dbt build", "collect metrics", "reading copy", "checks"]
    assert not (folder / "pmr.html").exists()
    # row counts of the built tables: two landing files, the 300 garbage rows quarantined
    rows = log["steps"][1]["rows"]
    assert (rows["landing_accounting"], rows["quarantined_rows"]) == (2, 300)


def test_the_blocked_cli_run_keeps_its_quality_csv_unpublished(dagster_runs):
    """The garbage landing: 6 good requests and 300 bad ones (100 of each kind)."""
    with open(cli_run_folder(dagster_runs["out"]) / "quality.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["source"] == "service_requests"]
    counts = {r["reason"]: (r["rows_read"], r["accepted"], r["duplicates"], r["quarantined"]) for r in rows}
    assert counts[""] == ("306", "6", "0", "300")
    assert {reason: c[3] for reason, c in counts.items() if reason} == {
        "unparsable timestamp: received_at": "100", "invalid srv: not an SRV number": "100", "missing required value: request_id": "100"}


def test_the_report_refuses_without_a_passing_gate_in_its_run(code, tmp_path, dagster_runs):
    """As if Dagster started the report despite a failing check: it must publish
    nothing and fail the run, whatever the state of the warehouse."""
    from orchestration.deadline import REPORT
    from pmr.pipeline import run_folder_for

    out = dagster_runs["out"]
    db = dagster_runs["out"].parent / "warehouse.duckdb"
    job = month_job(tmp_path, out, db)
    target, files = dagster_runs["before"]

    # 1. the report alone: no dbt build and no gate in this run
    alone = run_job(job, asset_selection=[REPORT])
    assert not alone.success
    failure = next(e for e in alone.all_events if e.event_type_value == "STEP_FAILURE")
    assert "NOT PUBLISHED" in failure.message or "NOT PUBLISHED" in str(failure.event_specific_data.error)

    # 2. a run whose log says the gate ran and a blocking check failed
    run_id = "0123456789abcdef0123456789abcdef"
    folder = run_folder_for(out, MONTH, run_id)
    log = RunLog(month=MONTH, landing=str(tmp_path), warehouse=str(db), orchestrator="dagster", run_id=run_id)
    log.steps = [{"step": "dbt build", "status": "ok", "ok": True}, {"step": "checks", "status": "ok"}]
    log.blocked_by = ["rsvp: volume reconciles with staging"]
    log.write(folder)
    forced = run_job(job, asset_selection=[REPORT], run_id=run_id)
    assert not forced.success
    assert "pmr_report" not in materialized(forced)
    assert RunLog.load(folder).status == "blocked"
    assert dagster_runs["published"].resolve() == target
    assert snapshot(dagster_runs["published"]) == files


def test_assets_are_grouped_by_layer_and_share_one_pool(code):
    defs = code["definitions"].defs
    graph = defs.resolve_asset_graph()
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {"landing", "seeds", "staging", "intermediate", "marts", "metrics", "report"} <= groups
    assert graph.get(dg.AssetKey(["staging", "stg_service_requests"])).group_name == "staging"
    job = defs.resolve_job_def("pmr_month")
    assert job.executor_def.name == "in_process"
    pools = {node.definition.name: node.definition.pool for node in job.graph.node_dict.values()}
    assert set(pools.values()) == {code["settings"].DUCKDB_POOL}, pools
    report = graph.get(dg.AssetKey("pmr_report"))
    assert report.freshness_policy is not None
    assert report.partitions_def == code["settings"].monthly


def test_every_landing_asset_is_in_the_landing_group(code):
    """docs/orchestration.md: the landing group holds the landing assets, also the
    dbt source raw.built_files that no ingest asset writes (pmr/build_state.py does)."""
    graph = code["definitions"].defs.resolve_asset_graph()
    landing = {k: graph.get(k).group_name for k in graph.get_all_asset_keys() if k.path[0] == "landing"}
    assert landing[dg.AssetKey(["landing", "built_files"])] == "landing"
    assert set(landing.values()) == {"landing"}, {k.to_user_string(): g for k, g in landing.items() if g != "landing"}
    # parquet, csv and their _new per source; landing_files, malformed_lines, landing_unread, built_files
    assert len(landing) == 7 * 4 + 4


def test_dbt_ran_with_the_month_as_a_var(code, good_run):
    from pmr.dbt_runner import target_path_for

    assert MONTH in code["settings"].monthly.get_partition_keys()
    db = good_run["out"].parent / "warehouse.duckdb"
    run_results = target_path_for(db) / "dagster" / good_run["good"].run_id[:8] / "run_results.json"
    args = json.loads(run_results.read_text())["args"]
    assert args["vars"] == {"period": MONTH}
    # the good month is this warehouse's first build, so pmr.build_state makes it full
    assert args["full_refresh"] is True
    assert args["which"] == "build"


def test_a_second_run_of_the_month_starts_from_the_first_runs_parse(dagster_runs):
    from pmr.dbt_runner import target_path_for

    targets = target_path_for(dagster_runs["out"].parent / "warehouse.duckdb") / "dagster"
    first, second = ("".join(log.read_text() for log in (targets / dagster_runs[run].run_id[:8]).glob("dbt.log*"))
                     for run in ("good", "garbage"))  # dbt rolls its log over every 10 MB
    # a new warehouse: nothing of its own to start from (dagster-dbt may offer dbt the parse
    # of a dbt run by hand in the project's target/, which dbt refuses: another warehouse)
    assert "Partial parsing enabled" not in first
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed" in second


def test_every_dbt_test_is_an_asset_check(code, tmp_path):
    """Including the singular tests of tests/dbt/, each tied to one model: a test with
    no ref, or two, would only be logged as an observation (dagster-dbt)."""
    from orchestration.dbt import manifest_nodes

    settings = code["settings"].PmrSettings(landing=str(tmp_path), out=str(tmp_path / "out"), db=str(tmp_path / "w"))
    checks = {key.name for key in code["definitions"].build_definitions(settings).resolve_asset_graph().asset_check_keys}
    tests = {node["name"] for node in manifest_nodes("test")}
    assert tests - checks == set()
    assert {"assert_utc_to_uk_matches_the_tz_database", "assert_response_follow_up_is_the_longest_trt"} <= checks


def test_assets_materialized_without_the_landing_group_do_not_publish(code, dagster_runs, tmp_path):
    """"Materialize selected" of every asset but the landing group read no landing: the
    warehouse holds the rows of the last ingest, of another folder than the one this run
    names (here an empty one, as an unmounted share leaves it). The gate fails on its own
    check and the published report stays."""
    out, db, published = dagster_runs["out"], dagster_runs["db"], dagster_runs["before"][0]
    before = snapshot(out / MONTH)

    elsewhere = tmp_path / "unmounted"
    elsewhere.mkdir()
    settings = code["settings"].PmrSettings(landing=str(elsewhere), out=str(out), db=str(db))
    job = code["definitions"].build_definitions(settings).resolve_implicit_global_asset_job_def()
    without_landing = [key for key in job.asset_layer.executable_asset_keys if key.path[0] != "landing"]
    assert len(without_landing) < len(job.asset_layer.executable_asset_keys)
    second = run_job(job, asset_selection=without_landing, tags={ALLOW_MISSING_DAYS_TAG: "true"})

    assert not second.success
    [evaluation] = check_evaluations(second, "publication_gate")
    assert not evaluation.passed and "run: this run read the landing and built the warehouse" in evaluation.description
    assert any("NOT PUBLISHED" in message and "ingest did not run in this run" in message
               for message in second.log_messages)
    assert (out / MONTH).resolve() == published and snapshot(out / MONTH) == before
