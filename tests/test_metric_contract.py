"""The contract of a metric model (docs/adding-a-metric.md), as pmr.metrics holds it:
a metric model whose YAML is missing, misnamed or declares an unknown kind, unit,
requirement or service level stops the run with MetricDefinitionError instead of
publishing without its figures or with empty targets. Manifests here are hand-made, a
node each. What collecting the figures makes of a declaration (levels, follow-up):
test_metric_levels_and_follow_up.py."""

from __future__ import annotations

import json

import duckdb
import pytest

from pmr.metric_declarations import MetricDefinitionError, metric_models
from tests.helpers import new_metric, project_with
from tests.metric_manifests import GOOD, manifest, node


def test_a_good_metric_model_is_found(tmp_path):
    (model,) = metric_models(manifest(tmp_path, node("metric_example", [GOOD]),
                                      node("fct_other", path="models/marts/core/fct_other.sql")))
    assert (model.name, model.relation) == ("metric_example", "metrics.metric_example")


def test_a_metric_models_sources_come_from_its_lineage(tmp_path):
    """metric_example reads stg_incidents directly and stg_outages through an
    intermediate model; metric_other reads a seed only."""
    def reading(name, *parents, **kwargs):
        return {**node(name, **kwargs), "depends_on": {"nodes": [f"model.pmr.{p}" for p in parents]}}

    models = metric_models(manifest(
        tmp_path,
        reading("metric_example", "int_outage_minutes", "stg_incidents", definitions=[GOOD]),
        reading("metric_other", definitions=[{**GOOD, "metric_id": "other.count"}]),
        reading("int_outage_minutes", "stg_outages", path="models/intermediate/int_outage_minutes.sql"),
        reading("stg_outages", path="models/staging/stg_outages.sql"),
        reading("stg_incidents", path="models/staging/stg_incidents.sql"),
    ))
    assert [(m.name, m.sources) for m in models] == [("metric_example", ("outages", "incidents")),
                                                     ("metric_other", ())]


@pytest.mark.parametrize("materialized", ["table", "view", "incremental"])
def test_a_metric_model_built_as_a_relation_is_found(tmp_path, materialized):
    metric = node("metric_example", [GOOD])
    metric["config"]["materialized"] = materialized
    (model,) = metric_models(manifest(tmp_path, metric))
    assert model.relation == "metrics.metric_example"


def test_an_ephemeral_metric_model_is_refused(tmp_path):
    """dbt builds no relation of it: pmr would collect the table an earlier build left."""
    metric = node("metric_example", [GOOD])
    metric["config"]["materialized"] = "ephemeral"
    with pytest.raises(MetricDefinitionError, match="^metric model metric_example is materialized as ephemeral: "):
        metric_models(manifest(tmp_path, metric))


def test_a_disabled_metric_model_is_refused(tmp_path):
    """dbt leaves a disabled model out of its build and of the manifest's nodes: its
    figures were missing from metrics.csv without a word (measured: CH1 and CH2 gone
    from the demo month, every check passed). A disabled model declaring no metrics,
    outside models/metrics/, is not a metric model."""
    disabled = {**node("metric_example", [GOOD, {**GOOD, "metric_id": "example.share"}]), "unique_id": "x"}
    other = node("int_scratch", path="models/intermediate/int_scratch.sql")
    path = manifest(tmp_path, node("metric_other", [{**GOOD, "metric_id": "other.count"}]))
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "disabled": {"model.pmr.int_scratch": [other]}}))
    assert [m.name for m in metric_models(path)] == ["metric_other"]
    path.write_text(json.dumps({**document, "disabled": {"model.pmr.metric_example": [disabled],
                                                         "model.pmr.int_scratch": [other]}}))
    with pytest.raises(MetricDefinitionError) as refused:
        metric_models(path)
    assert str(refused.value) == (
        "metric model disabled (enabled: false), so its figures would be missing from the report without a word: "
        "metric_example (example.count, example.share). To withdraw a metric, delete its model, its YAML entry and "
        "its docs, and record the withdrawal in docs/decision-log.md")


def test_a_metric_model_whose_yaml_names_another_model(tmp_path):
    # the YAML said `name: metric_exampel`, so the SQL file's node carries no meta
    with pytest.raises(MetricDefinitionError, match="metric_example: a model in models/metrics/ declares no"):
        metric_models(manifest(tmp_path, node("metric_example")))


@pytest.mark.parametrize(("change", "message"), [
    (dict(requirement="R9"), "requirement 'R9' is not one of"),
    (dict(kind="figure"), "kind 'figure' is not one of"),
    (dict(unit="percent"), "unit 'percent' is not one of"),
    (dict(unit=None), "example.count: lacks unit"),
    (dict(servce_level="pct_within_trt"), "example.count: unknown key servce_level; the keys are metric_id,"),
    (dict(follow_up="cos_correction_window_s"), "follow_up must be a list of parameter names"),
    (dict(follow_up=["response_follow_up_s", "alert_trt_s", "response_follow_up_s"]),
     "example.count: follow_up names response_follow_up_s twice; each window once"),
    (dict(indicator_breakdowns=["segment"]), "only a measure has indicator_breakdowns"),
    (dict(unit="pct", service_level="pct_within_trt"), "example.count: only a measure has a service_level"),
    (dict(kind="measure", indicator_breakdowns=["region"]), "indicator_breakdowns must be a list of breakdown"),
    (dict(kind="measure", indicator_breakdowns="day"), "indicator_breakdowns must be a list of breakdown"),
    # a quote would break metric_rows' SQL; a capital, a space or no family: ids no one writes twice alike
    (dict(metric_id="example.o'brien"), "^\"example.o'brien\" \\(in metric_example\\): a metric_id is family.name"),
    (dict(metric_id="Example.count"), "^'Example.count' \\(in metric_example\\): a metric_id is family.name"),
    (dict(metric_id="example.night share"), "a metric_id is family.name in lower-case letters, digits and _"),
    (dict(metric_id="night_share"), "a metric_id is family.name in lower-case letters, digits and _"),
    (dict(metric_id="example.share."), "a metric_id is family.name in lower-case letters, digits and _"),
])
def test_a_bad_declaration(tmp_path, change, message):
    with pytest.raises(MetricDefinitionError, match=message):
        metric_models(manifest(tmp_path, node("metric_example", [{**GOOD, **change}])))


def test_ic2_is_a_requirement(tmp_path):
    assert metric_models(manifest(tmp_path, node("metric_example", [{**GOOD, "requirement": "IC2"}])))


# Before the build: the same contract read straight from the project's YAML and seeds
# (check_declarations), on a copy of the project.

def test_the_projects_own_declarations_pass():
    from pmr import PROJECT_DIR
    from pmr.metric_declarations import check_declarations

    check_declarations(PROJECT_DIR)


@pytest.mark.parametrize(("yaml_text", "message"), [
    (new_metric(), None),
    (new_metric(unit="percent"), r"zz.new: unit 'percent' is not one of"),
    (new_metric(level="pct_within_trtX"), r"service_level not in seeds/service_levels.csv: zz.new \(pct_within_trtX\) "
     r"\(its service levels: alerts_within_sla, availability, .*pct_within_trt"),
    (new_metric(follow_up="planned_maintenance_cap_min"),
     "zz.new: follow_up names planned_maintenance_cap_min, a parameter in min"),
    (new_metric().replace("zz.new", "rsvp.volume"), r"metric ids declared twice: rsvp.volume \(in metric_rsvp, metric_zz_new\)"),
    (None, "metric_zz_new: a model in models/metrics/ declares no pmr_metrics"),
    (new_metric().replace("name: metric_zz_new", "name: metric_zz_other"),
     "metric_zz_new: a model in models/metrics/ declares no pmr_metrics"),
    ("models: [\n  - name: x", r"models/metrics/_metric_zz_new.yml is not valid YAML"),
    # YAML reads an unquoted {window} as a mapping and [x] as a list: a message, not a traceback
    (new_metric() + "                title: {alert_trt_s}\n",
     r"zz.new: title must be text, not \{'alert_trt_s': None\} \(YAML reads a value that starts with \"\{\" as a "
     r"mapping: quote it\)"),
    (new_metric(level="[pct_within_trt]"), r"zz.new: service_level must be text, not \['pct_within_trt'\]$"),
    (new_metric() + "                fractional: 1\n", "zz.new: fractional must be true or false, not 1"),
    # the YAML's name misspelt: the message names the file and the name it declares
    (new_metric().replace("name: metric_zz_new", "name: metric_zz_nwe"),
     r"^metric_zz_new: a model in models/metrics/ declares no pmr_metrics; its YAML entry must carry the model's own "
     r"name \(the .sql file's name\); models/metrics/_metric_zz_new.yml declares metric_zz_nwe, which has no .sql file: "
     r"rename one of the two$"),
])
def test_declarations_are_checked_from_the_yaml(tmp_path, yaml_text, message):
    from pmr.metric_declarations import check_declarations

    project = project_with(tmp_path, yaml_text)
    if message is None:
        check_declarations(project)
    else:
        with pytest.raises(MetricDefinitionError, match=message):
            check_declarations(project)


def test_a_parameter_without_a_number_is_named(tmp_path):
    from pmr.metric_declarations import check_declarations
    from tests.helpers import copy_project

    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "parameters.csv"
    seed.write_text(seed.read_text().replace("alert_trt_s,60,", "alert_trt_s,,"))
    with pytest.raises(MetricDefinitionError, match=r"^seeds/parameters.csv: value is not a number for alert_trt_s$"):
        check_declarations(project)


@pytest.mark.parametrize("yaml_folder", ["metrics", "marts"])
def test_a_versioned_metric_model_is_refused(tmp_path, yaml_folder):
    """dbt versions would give one metric id two SQL definitions, and the file
    metric_zz_new_v2.sql a name that no YAML entry carries; a metric model's YAML entry
    may be in any folder of models/."""
    from pmr.metric_declarations import check_declarations

    project = project_with(tmp_path, new_metric() + "        latest_version: 2\n        versions:\n          - v: 2\n")
    (project / "models" / "metrics" / "metric_zz_new.sql").rename(project / "models" / "metrics" / "metric_zz_new_v2.sql")
    (project / "models" / "metrics" / "_metric_zz_new.yml").rename(project / "models" / yaml_folder / "_metric_zz_new.yml")
    with pytest.raises(MetricDefinitionError, match=rf"^metric_zz_new in models/{yaml_folder}/_metric_zz_new.yml: a "
                       r"metric model cannot have dbt versions \(versions:\): each figure of metrics.csv comes from one "
                       r"SQL definition. Change the model in place and record the change of meaning in "
                       r"docs/decision-log.md$"):
        check_declarations(project)


def test_metrics_declared_in_a_version_of_a_model_are_refused(tmp_path):
    from pmr.metric_declarations import check_declarations

    project = project_with(tmp_path, None)
    (project / "models" / "marts" / "_metric_zz_new.yml").write_text(
        "version: 2\nmodels:\n  - name: metric_zz_new\n    versions:\n      - v: 1\n        config:\n"
        "          meta:\n            pmr_metrics:\n              - metric_id: zz.new\n")
    with pytest.raises(MetricDefinitionError, match=r"^metric_zz_new in models/marts/_metric_zz_new.yml: a metric "
                       r"model cannot have dbt versions"):
        check_declarations(project)


def test_metrics_declared_for_a_model_without_sql_are_refused(tmp_path):
    """dbt ignores a YAML entry for a model that does not exist: its metrics would
    vanish from metrics.csv without a word."""
    from pmr.metric_declarations import check_declarations

    project = project_with(tmp_path, new_metric())
    (project / "models" / "metrics" / "metric_zz_new.sql").unlink()
    with pytest.raises(MetricDefinitionError, match=r"^pmr_metrics declared for a model without a .sql file \(dbt "
                       r"would drop its metrics\): metric_zz_new \(in models/metrics/_metric_zz_new.yml\)$"):
        check_declarations(project)


@pytest.mark.parametrize("key", ["title", "description"])
@pytest.mark.parametrize("title", ["Answered within {topup_window_s}", "Answered within {pp_failure_reasons_min_pct}"])
def test_a_title_naming_no_window_of_the_parameters_is_refused(tmp_path, title, key):
    """The catalogue writes a {parameter} of a title or description as the window it
    holds; a misspelt or non-time name would print the braces, or a window the figures
    never used."""
    from pmr.metric_declarations import check_declarations

    project = project_with(tmp_path, new_metric() + f'                {key}: "{title}"\n')
    name = title.split("{")[1].rstrip("}")
    with pytest.raises(MetricDefinitionError, match=rf"^title or description names no time window \(a parameter in s "
                                                    rf"or min\) of seeds/parameters.csv: zz.new {key} \({{{name}}}\)$"):
        check_declarations(project)
    (project / "models" / "metrics" / "_metric_zz_new.yml").write_text(
        (project / "models" / "metrics" / "_metric_zz_new.yml").read_text().replace(name, "pp_chain_gap_s"))
    check_declarations(project)



def test_the_catalogue_writes_the_windows_the_parameters_set():
    """A window named in braces is written as the parameters table holds it, so the
    catalogue describes what the figures were computed with (metrics.md §2: reference
    values are configuration)."""
    from pmr import PROJECT_DIR
    from pmr.metric_declarations import MetricModel, catalogue_rows, check_declarations
    from pmr.metric_parameters import seed_parameters

    definition = {"metric_id": "zz.new", "requirement": "R1", "kind": "measure", "unit": "pct",
                  "title": "Answered within {a_s}", "description": "Within {a_s}, chained {b_s} apart, read {c_s}, "
                  "late after {d_s}, {e_s}, {f_s} or {g_s}; codes as {\"code\": \"8F72\"}."}
    parameters = {"a_s": (90.0, "s"), "b_s": (259_200.0, "s"), "c_s": (43_200.0, "s"), "d_s": (86_400.0, "s"),
                  "e_s": (120.0, "s"), "f_s": (2.5, "min"), "g_s": (1_234_567.0, "s")}
    [row] = catalogue_rows([MetricModel("metric_zz_new", "main.metric_zz_new", [definition], ())], parameters)
    assert row[6:8] == ("Answered within 90 s", "Within 90 s, chained 3 days apart, read 12 h, late after 24 h, "
                        "2 min, 150 s or 1,234,567 s; codes as {\"code\": \"8F72\"}.")
    # the project's own: no braces left, the v1 windows of seeds/parameters.csv
    rows = {r[1]: r for r in catalogue_rows(check_declarations(PROJECT_DIR), seed_parameters(PROJECT_DIR))}
    assert not [r for r in rows.values() if "{" in r[6] + r[7]]
    assert rows["alerts.pct_within_sla"][6:8] == (
        "Alerts delivered within 60 s", "Non-suppressed alerts delivered within 60 s of receipt, over non-suppressed alerts.")
    assert "followed within 7 days by a successful request" in rows["cos.pct_success"][7]
    assert "8F72 within 5 days after the final response" in rows["fw.pct_verified"][7]
    assert "Planned Maintenance up to the monthly cap of 6 h." in rows["availability.pct"][7]

def test_a_parameter_the_seed_lacks_is_refused_before_building(tmp_path):
    """parameter_value's subquery is NULL for a name that is not a row of
    seeds/parameters.csv: a threshold compared with NULL is never met, so a misspelt
    name would publish 0% with no failed check."""
    from pmr.metric_declarations import check_declarations

    sql = ("select {{ parameter_value('response_follow_up_s') }} as a, "
           "{{ parameter_value( \"topup_fast_respons_s\" ) }} as value")
    project = project_with(tmp_path, new_metric(), sql=sql)
    with pytest.raises(MetricDefinitionError, match=r"parameter_value names no parameter of seeds/parameters.csv: "
                                                    r"topup_fast_respons_s \(in models/metrics/metric_zz_new.sql\)$"):
        check_declarations(project)
    (project / "models" / "metrics" / "metric_zz_new.sql").write_text(sql.replace("respons_s", "response_s"))
    with open(project / "seeds" / "parameters.csv", "a") as seed:
        seed.write("topup_fast_response_s,10,s,a test threshold,test\n")
    check_declarations(project)


def test_pmr_run_refuses_a_broken_declaration_before_building(tmp_path):
    from tests.helpers import request_row, run_project_copy, write_csv

    project = project_with(tmp_path, new_metric(unit="percent"))
    landing = tmp_path / "landing"
    write_csv(landing, "service_requests", [request_row("r1")])
    run = run_project_copy(project, "run", "--month", "2026-10", "--landing", str(landing),
                           "--out", str(tmp_path / "out"), "--db", str(tmp_path / "w.duckdb"))
    assert run.returncode == 1
    assert "zz.new: unit 'percent' is not one of" in run.stderr
    assert not (tmp_path / "w.duckdb").exists() and not (tmp_path / "out").exists()  # nothing read or built


def test_a_run_stopped_by_a_metric_model_says_where_its_log_is(tmp_path, monkeypatch, capsys):
    """A model that breaks the contract is found after the build (exit 1); the run log
    written then is named, as for a blocked run, so its steps can be read."""
    import json

    from pmr import pipeline
    from pmr.cli import main

    def build_breaking_the_contract(*args, **kwargs):
        raise MetricDefinitionError("metric ids returned but not declared in the model's YAML: zz.nw (in metric_zz)")

    monkeypatch.setattr(pipeline, "build", build_breaking_the_contract)
    (tmp_path / "landing" / "incidents").mkdir(parents=True)
    (tmp_path / "landing" / "incidents" / "2026-10-01.csv").write_text("incident_id\n")
    code = main(["run", "--month", "2026-10", "--landing", str(tmp_path / "landing"), "--out", str(tmp_path / "out"),
                 "--db", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 1 and "NOT PUBLISHED: a metric definition breaks the contract" in err
    [log] = (tmp_path / "out").rglob("run-log.json")
    assert f"run log: {log}" in err.splitlines()
    assert json.loads(log.read_text())["status"] == "failed"


def test_a_metric_model_reading_day_from_a_relation_without_it_is_told_to_write_day_none():
    """metric_rows reads `day` unless told day=none: over a relation without the
    column DuckDB's message names a column "referenced before it is defined", which
    does not say what to change."""
    from pmr.dbt_runner import DbtResult
    from pmr.gate import from_dbt

    try:  # DuckDB's own words for what metric_rows' select does then
        duckdb.sql("select cast(day as date) as day, 1 as value from (select 1 as x) as figures").fetchall()
    except duckdb.BinderException as error:
        message = f"Runtime Error in model metric_zz_new (models/metrics/metric_zz_new.sql)\n  {error}"
    (check,) = from_dbt(DbtResult(ok=False, log_tail="", results=[
        {"unique_id": "model.pmr_warehouse.metric_zz_new", "status": "error", "message": message}]))
    assert not check.passed and check.blocking
    assert check.detail.endswith("\npmr: a metric_rows call over a relation without a day column needs day=none "
                                 "(docs/adding-a-metric.md, the macro metric_rows)")


def _built_metric_model(con, day: str, value: str):
    from pmr.metric_declarations import MetricModel

    con.execute("create schema if not exists metrics")
    con.execute(f"""create or replace table metrics.metric_zz as select 'zz.x' as metric_id, '2026-10' as period,
                    {day} as day, cast(null as varchar) as business_process, 'All' as segment,
                    cast(null as varchar) as device_type, cast(null as varchar) as service,
                    cast(null as varchar) as time_band, cast(null as varchar) as category, {value} as value""")
    return [MetricModel("metric_zz", "metrics.metric_zz", (GOOD,), ())]


@pytest.mark.parametrize(("day", "value"), [
    ("date '2026-10-05'", "cast(12.5 as double)"),
    ("cast(null as date)", "cast(3 as bigint)"),
    ("cast(null as date)", "cast(12.5 as decimal(18, 3))"),
    ("date '2026-10-05'", "cast(7 as hugeint)"),
])
def test_a_metric_model_with_a_date_day_and_a_number_value_keeps_the_contract(day, value):
    from pmr.metrics import check_metric_columns

    con = duckdb.connect()
    check_metric_columns(con, _built_metric_model(con, day, value))


@pytest.mark.parametrize(("day", "value", "message"), [
    # a UTC timestamp given as the day: every daily figure of metrics.csv would get a time
    ("timestamp '2026-10-05 13:22:11'", "cast(12.5 as double)", "metric model metric_zz: day is TIMESTAMP, not DATE"),
    # `null as day` without a cast: a column of no type
    ("null", "cast(12.5 as double)", "metric model metric_zz: day is NULL, not DATE"),
    ("'2026-10-05'", "cast(12.5 as double)", "metric model metric_zz: day is VARCHAR, not DATE"),
    ("cast(null as date)", "'12.5'", "metric model metric_zz: value is VARCHAR, not a number"),
    ("cast(null as date)", "true", "metric model metric_zz: value is BOOLEAN, not a number"),
])
def test_a_metric_model_whose_day_is_not_a_date_or_value_not_a_number_is_refused(day, value, message):
    from pmr.metrics import check_metric_columns

    con = duckdb.connect()
    with pytest.raises(MetricDefinitionError) as refused:
        check_metric_columns(con, _built_metric_model(con, day, value))
    assert str(refused.value).startswith(message + ": "), refused.value
