"""Which definitions a publication's figures were computed with (pmr.definitions), and
what the report says when the previous month's were computed with others."""

from __future__ import annotations

import copy

import pandas as pd

from pmr.definitions import changed_models, model_fingerprints


def _manifest() -> dict:
    """metric_a <- int_a <- stg (a seed beside it); metric_b <- stg; macros: metric_a calls
    the project's rows macro, which calls pct; int_a calls one of dbt's own."""
    def model(name, macros=()):
        return {"name": name, "resource_type": "model", "checksum": {"checksum": f"sql of {name}"},
                "depends_on": {"macros": list(macros)}}
    return {
        "nodes": {
            "model.pmr_warehouse.metric_a": model("metric_a", ["macro.pmr_warehouse.rows"]),
            "model.pmr_warehouse.metric_b": model("metric_b"),
            "model.pmr_warehouse.int_a": model("int_a", ["macro.dbt.is_incremental"]),
            "model.pmr_warehouse.stg": model("stg"),
            "seed.pmr_warehouse.levels": {"name": "levels", "resource_type": "seed", "checksum": {"checksum": "v1"},
                                          "depends_on": {"macros": []}},
        },
        "parent_map": {
            "model.pmr_warehouse.metric_a": ["model.pmr_warehouse.int_a", "seed.pmr_warehouse.levels"],
            "model.pmr_warehouse.int_a": ["model.pmr_warehouse.stg"],
            "model.pmr_warehouse.metric_b": ["model.pmr_warehouse.stg"],
            "model.pmr_warehouse.stg": ["source.pmr_warehouse.landing.x"],
            "seed.pmr_warehouse.levels": [],
        },
        "macros": {
            "macro.pmr_warehouse.rows": {"macro_sql": "rows v1", "depends_on": {"macros": ["macro.pmr_warehouse.pct"]}},
            "macro.pmr_warehouse.pct": {"macro_sql": "pct v1", "depends_on": {"macros": []}},
            "macro.dbt.is_incremental": {"macro_sql": "dbt's", "depends_on": {"macros": []}},
        },
    }


def _after(change) -> dict[str, str]:
    manifest = copy.deepcopy(_manifest())
    change(manifest)
    return model_fingerprints(manifest, ["metric_a", "metric_b"])


def test_a_change_upstream_changes_the_fingerprint_of_the_models_it_feeds_only():
    before = model_fingerprints(_manifest(), ["metric_a", "metric_b"])
    assert before == _after(lambda m: None)  # the same definitions, the same fingerprints

    def seed(m):
        m["nodes"]["seed.pmr_warehouse.levels"]["checksum"]["checksum"] = "v2"

    def macro_called_by_a_macro(m):
        m["macros"]["macro.pmr_warehouse.pct"]["macro_sql"] = "pct v2"

    def staging(m):
        m["nodes"]["model.pmr_warehouse.stg"]["checksum"]["checksum"] = "sql of stg, fixed"

    def dbts_own_macro(m):
        m["macros"]["macro.dbt.is_incremental"]["macro_sql"] = "dbt's, next version"

    assert changed_models({"metric_models": before}, {"metric_models": _after(seed)}) == ["metric_a"]
    assert changed_models({"metric_models": before}, {"metric_models": _after(macro_called_by_a_macro)}) == ["metric_a"]
    assert changed_models({"metric_models": before}, {"metric_models": _after(staging)}) == ["metric_a", "metric_b"]
    assert changed_models({"metric_models": before}, {"metric_models": _after(dbts_own_macro)}) == []


def test_a_publication_without_a_record_cannot_be_compared():
    now = {"metric_models": {"metric_a": "1"}}
    assert changed_models(now, None) is None
    assert changed_models(now, {"commit": "abc"}) is None
    # fingerprints computed another way are not compared
    assert changed_models({**now, "fingerprint_version": 2}, {**now, "fingerprint_version": 1}) is None
    # a model the previous publication did not have is new, not changed
    assert changed_models({"metric_models": {"metric_a": "1", "metric_new": "2"}}, {"metric_models": {"metric_a": "1"}}) == []


def test_the_previous_months_figures_of_changed_definitions_are_marked(tmp_path):
    import duckdb

    from pmr.run_log import RunLog
    from reports.context import ReportContext
    from reports.sections import measures

    breakdown = dict(day=None, business_process=None, segment="All", device_type=None, service=None, time_band=None,
                     category=None)
    figure = dict(metric_id="alerts.pct_within_sla", requirement="A1", kind="measure", unit="pct", target=99.0,
                  minimum=96.0, model="metric_alerts", **breakdown)
    metrics = pd.DataFrame([dict(figure, value=98.5)])
    previous = pd.DataFrame([{**{k: "" if v is None else str(v) for k, v in figure.items()}, "value": "97.25"}])
    catalogue = pd.DataFrame([dict(model="metric_alerts", metric_id="alerts.pct_within_sla", requirement="A1",
                                   title="Alerts delivered within 60 s"),
                              dict(model="metric_rsvp", metric_id="rsvp.volume", requirement="R1", title="Volume")])
    con = duckdb.connect()
    con.execute("create schema reference")
    con.execute("create table reference.business_processes (business_process varchar, display_name varchar)")
    con.execute("create table reference.service_components (service varchar, service_name varchar)")
    con.execute("create table reference.service_levels (service_level varchar, target double, minimum double)")
    con.execute("create table reference.business_process_alerts (business_process varchar, alert_code varchar)")
    run = RunLog(month="2026-10", landing="l", warehouse="w")

    def page(now: dict, then: dict | None) -> str:
        run.definitions = {"metric_models": now}
        recorded = {"definitions": {"metric_models": then}} if then is not None else {}
        ctx = ReportContext(month="2026-10", con=con, metrics=metrics, catalogue=catalogue, run=run,
                            previous=previous, previous_log={"checks": [], **recorded})
        return measures.render(ctx, None)

    unrecorded = page({"metric_alerts": "f1", "metric_rsvp": "r1"}, None)  # a report published before the record
    assert "That report did not record the definitions it was computed with" in unrecorded
    assert "(other definitions)</td>" not in unrecorded

    same = page({"metric_alerts": "f1", "metric_rsvp": "r1"}, {"metric_alerts": "f1", "metric_rsvp": "r1"})
    assert "<td>97.25%</td><td>98.50%</td>" in same
    assert "Its figures were computed with the same definitions as this report's." in same

    changed = page({"metric_alerts": "f2", "metric_rsvp": "r1"}, {"metric_alerts": "f1", "metric_rsvp": "r1"})
    assert "<td>97.25% (other definitions)</td><td>98.50%</td>" in changed
    assert "Between the two publications, SQL, reference values or parameters upstream of the figures of A1 " \
        "changed" in changed
    # no previous figure: nothing to mark
    previous.loc[0, "value"] = ""
    missing = page({"metric_alerts": "f2", "metric_rsvp": "r1"}, {"metric_alerts": "f1", "metric_rsvp": "r1"})
    assert "<td>–</td><td>98.50%</td>" in missing and "(other definitions)</td>" not in missing


def test_of_the_parameters_only_the_rows_a_models_sql_names_count():
    manifest = _manifest()
    seed = {"name": "parameters", "resource_type": "seed", "checksum": {"checksum": "whole file"},
            "depends_on": {"macros": []}}
    manifest["nodes"]["seed.pmr_warehouse.parameters"] = seed
    # metric_a's macro names alert_trt_s; metric_b's own SQL names fw_delivery_window_s
    manifest["macros"]["macro.pmr_warehouse.pct"]["macro_sql"] = "where parameter = 'alert_trt_s'"
    manifest["nodes"]["model.pmr_warehouse.metric_b"]["raw_code"] = "{{ parameter_value('fw_delivery_window_s') }}"
    manifest["parent_map"]["model.pmr_warehouse.metric_a"].append("seed.pmr_warehouse.parameters")
    manifest["parent_map"]["model.pmr_warehouse.metric_b"].append("seed.pmr_warehouse.parameters")
    manifest["parent_map"]["seed.pmr_warehouse.parameters"] = []
    rows = {"alert_trt_s": "60 s", "fw_delivery_window_s": "432000 s", "quarantine_max_pct": "1 pct"}

    def fingerprints(**changed):
        return {"metric_models": model_fingerprints(manifest, ["metric_a", "metric_b"], {**rows, **changed})}

    assert changed_models(fingerprints(), fingerprints(alert_trt_s="30 s")) == ["metric_a"]
    assert changed_models(fingerprints(), fingerprints(fw_delivery_window_s="5 s")) == ["metric_b"]
    assert changed_models(fingerprints(), fingerprints(quarantine_max_pct="2 pct")) == []  # named by no SQL


def test_a_seeds_source_and_description_are_not_what_figures_are_computed_from(tmp_path):
    from pmr.definitions import seed_values

    seed = tmp_path / "levels.csv"
    seed.write_text("service_level,target,minimum,unit,description,source\nalerts,99,96,pct,Alerts,metrics.md (unverified)\n")
    before = seed_values(seed)
    seed.write_text("service_level,target,minimum,unit,description,source\nalerts,99,96,pct,Alerts in 60 s,confirmed\n")
    assert seed_values(seed) == before == "service_level,target,minimum,unit\nalerts,99,96,pct"
    seed.write_text("service_level,target,minimum,unit,description,source\nalerts,99.5,97,pct,Alerts,confirmed\n")
    assert seed_values(seed) != before
    # and the fingerprint reads a seed by those values when given them
    manifest = _manifest()
    values = {"seed.pmr_warehouse.levels": "target 99"}
    assert model_fingerprints(manifest, ["metric_a"], seeds=values) != \
        model_fingerprints(manifest, ["metric_a"], seeds={"seed.pmr_warehouse.levels": "target 99.5"})
    assert model_fingerprints(manifest, ["metric_b"], seeds=values) == \
        model_fingerprints(manifest, ["metric_b"], seeds={"seed.pmr_warehouse.levels": "target 99.5"})


def test_a_comment_edit_computes_nothing_differently():
    manifest = _manifest()
    manifest["nodes"]["model.pmr_warehouse.stg"]["raw_code"] = (
        "{#- staged rows -#}\nselect a,\n    b\nfrom {{ source('landing', 'x') }}\n")
    manifest["macros"]["macro.pmr_warehouse.pct"]["macro_sql"] = "{% macro pct(x) %}100.0 * {{ x }}{% endmacro %}"
    before = model_fingerprints(manifest, ["metric_a", "metric_b"])

    def after(model_sql=None, macro_sql=None):
        changed = copy.deepcopy(manifest)
        if model_sql:
            changed["nodes"]["model.pmr_warehouse.stg"]["raw_code"] = model_sql
        if macro_sql:
            changed["macros"]["macro.pmr_warehouse.pct"]["macro_sql"] = macro_sql
        return {"metric_models": model_fingerprints(changed, ["metric_a", "metric_b"])}

    # a reworded comment, a blank line, trailing spaces: the same definitions
    reworded = "{#- the staged rows, typed\n    and checked -#}\n\nselect a,   \n    b\nfrom {{ source('landing', 'x') }}\n"
    assert changed_models({"metric_models": before}, after(model_sql=reworded)) == []
    assert changed_models({"metric_models": before}, after(
        macro_sql="{#- a share -#}{% macro pct(x) %}100.0 * {{ x }}{% endmacro %}")) == []
    # an SQL line comment, on its own line or after the code: the same definitions
    commented = ("-- the staged rows\nselect a, -- typed\n    b\nfrom {{ source('landing', 'x') }} -- all files\n")
    assert changed_models({"metric_models": before}, after(model_sql=commented)) == []
    # a `--` in a string or a Jinja argument is code: an edit after it counts
    assert changed_models(after(model_sql="select 'a -- 1' as a, b from {{ source('landing', 'x') }}"),
                          after(model_sql="select 'a -- 2' as a, b from {{ source('landing', 'x') }}")) \
        == ["metric_a", "metric_b"]
    assert changed_models(after(model_sql="select {{ f(\"a \\\" -- 1\") }}, b from {{ source('landing', 'x') }}"),
                          after(model_sql="select {{ f(\"a \\\" -- 2\") }}, b from {{ source('landing', 'x') }}")) \
        == ["metric_a", "metric_b"]
    # after a character of more than one byte (the tokenizer counts bytes): a comment is still a comment, and a
    # `--` in a string is still code
    assert changed_models(after(model_sql="select '§ ─' as s, 1 as x -- one\nfrom {{ source('landing', 'x') }}"),
                          after(model_sql="select '§ ─' as s, 1 as x -- two\nfrom {{ source('landing', 'x') }}")) \
        == []
    assert changed_models(after(model_sql="select '─────' as s, 1 as x -- c\n, 'p -- 1' as y from t"),
                          after(model_sql="select '─────' as s, 1 as x -- c\n, 'p -- 2' as y from t")) \
        == ["metric_a", "metric_b"]
    # Jinja in a comment is rendered before SQL reads the comment: code
    assert changed_models(after(model_sql="select a from t\n-- {% if is_incremental() %}\nwhere a > 0\n"),
                          after(model_sql="select a from t\n-- {% if not is_incremental() %}\nwhere a > 0\n")) \
        == ["metric_a", "metric_b"]
    # the SQL itself: changed
    assert changed_models({"metric_models": before}, after(
        model_sql="select a, b from {{ source('landing', 'x') }} where a > 0")) == ["metric_a", "metric_b"]
    assert changed_models({"metric_models": before}, after(
        macro_sql="{% macro pct(x) %}100 * {{ x }}{% endmacro %}")) == ["metric_a"]
