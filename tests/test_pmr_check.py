"""`pmr check` (pmr.project_check) on copies of the project: the declarations, then
dbt's build of the project on an empty warehouse, in a full and an incremental build,
then the tests of the seeds. That it passes on the project and counts its declarations
is test_docs.py's worked example, which adds a metric to a copy of the project: one
check covers both. Each check builds the project: these tests take minutes."""

from __future__ import annotations

from tests.helpers import new_metric, project_with


def test_pmr_check_names_a_broken_declaration_and_a_missing_ref(tmp_path):
    import textwrap

    from tests.helpers import run_project_copy

    project = project_with(tmp_path, new_metric(unit="percent"), sql="select * from {{ ref('no_such_model') }}")
    broken = run_project_copy(project, "check")
    assert broken.returncode == 1
    assert "zz.new: unit 'percent' is not one of" in broken.stderr and "dbt project" not in broken.stdout
    (project / "models" / "metrics" / "_metric_zz_new.yml").write_text(textwrap.dedent(new_metric()))
    missing_ref = run_project_copy(project, "check")
    assert missing_ref.returncode == 1
    models = len(list((project / "models" / "metrics").glob("*.sql")))  # the project's and the new one
    assert f"{models} metric models declare" in missing_ref.stdout
    assert "dbt cannot compile the project" in missing_ref.stderr and "no_such_model" in missing_ref.stderr
    # a misspelt macro only fails when dbt renders the model's Jinja
    (project / "models" / "metrics" / "metric_zz_new.sql").write_text("select {{ in_perod('received_at') }} as value")
    misspelt = run_project_copy(project, "check")
    assert misspelt.returncode == 1
    assert "dbt cannot compile the project" in misspelt.stderr and "in_perod" in misspelt.stderr
    # dbt's lines about itself are left out: a fresh parse is every check's normal case
    assert "Unable to do partial parsing" not in misspelt.stderr and "Running with dbt" not in misspelt.stderr
    # a keep_empty id that is not one of the call's metric ids would silently drop the rows it should keep
    (project / "models" / "metrics" / "metric_zz_new.sql").write_text(
        "with figures as (select 'All' as segment, cast(null as double) as value)\n"
        "{{ metric_rows('figures', {'zz.new': 'value'}, {'segment': 'segment'}, day=none, keep_empty=['zz.nw']) }}")
    mistyped = run_project_copy(project, "check")
    assert mistyped.returncode == 1
    assert "metric_rows: keep_empty names zz.nw, not one of the metric ids it is given: zz.new" in mistyped.stderr


def test_pmr_check_finds_duckdb_only_sql_and_a_misspelt_column(tmp_path):
    """Both faults of the model in one check: SQL that would build on DuckDB only is
    found here (not after 20 minutes of make test, or on Spark), and the build runs all
    the same and finds the misspelt column."""
    from tests.helpers import run_project_copy

    project = project_with(tmp_path, new_metric(), sql=(
        "with figures as (select 'All' as segment, count(*) filter (where epoch(final_response_at) - epoch(recieved_at)"
        " <= 30) as value from {{ ref('fct_service_requests') }})\n"
        "{{ metric_rows('figures', {'zz.new': 'value'}, {'segment': 'segment'}, day=none) }}"))
    misspelt = run_project_copy(project, "check")
    assert misspelt.returncode == 1
    assert ("models/metrics/metric_zz_new.sql: the epoch functions are DuckDB's: use seconds_between or a dispatched "
            "macro") in misspelt.stderr
    assert "dbt cannot build the project on an empty warehouse" in misspelt.stderr
    assert "metric_zz_new: " in misspelt.stderr and 'Referenced column "recieved_at" not found' in misspelt.stderr
    # DuckDB's LINE is of the compiled SQL, after metric_rows expanded: not the line of the file
    assert "(a LINE number counts the lines of the model as dbt compiled it" in misspelt.stderr


def test_pmr_check_builds_the_incremental_branches_too(tmp_path):
    """A misspelt column in the branch only an incremental build takes (the month-end
    runs after the first build of a month) passed pmr check and the first pmr run."""
    from tests.helpers import copy_project, run_project_copy

    project = copy_project(tmp_path / "project")
    fact = project / "models" / "marts" / "core" / "fct_service_requests.sql"
    sql = fact.read_text()
    branch = sql.index("{%- if incremental_recompute() %}")
    fact.write_text(sql[:branch] + sql[branch:].replace("request_id, received_at, user_id", "request_id, recieved_at, "
                                                         "user_id", 1))
    checked = run_project_copy(project, "check")
    assert checked.returncode == 1 and "dbt project: compiles" not in checked.stdout
    assert ("dbt cannot build the project on an empty warehouse in an incremental build (its incremental "
            "branches, docs/incremental-builds.md)") in checked.stderr
    assert "fct_service_requests: " in checked.stderr and 'Referenced column "recieved_at" not found' in checked.stderr
    # a misspelt macro there: dbt renders that branch only in the incremental build
    fact.write_text(sql[:branch] + sql[branch:].replace("request_id, received_at, user_id",
                                                        "request_id, {{ no_such_macro() }}, user_id", 1))
    misspelt = run_project_copy(project, "check")
    assert misspelt.returncode == 1
    assert "dbt cannot compile the project in an incremental build" in misspelt.stderr
    assert "no_such_macro" in misspelt.stderr


def test_pmr_check_reports_the_seeds_tests_a_mean_of_doubles_and_a_model_lacking_contract_columns_at_once(tmp_path):
    """Faults that all build, found by one check, each reported. An analyst's edits of the
    reference tables: a service level twice, and an SRV's TRT longer than
    response_follow_up_s (the follow-up window); pmr run found them only after its whole
    build, as "Got 1 result". And a new model that builds but is no metric model (found
    before pmr run's build), whose figure is a mean of rtt_s (seconds, a double): it adds
    in the order DuckDB's threads finish, so a re-run of the month at scale can publish
    other last digits (pmr.order_dependence)."""
    from tests.helpers import run_project_copy

    project = project_with(tmp_path, new_metric(),
                           sql="select avg(rtt_s) as value from {{ ref('fct_service_requests') }}")
    levels = project / "seeds" / "service_levels.csv"
    # and a required value left out: the source of the RSVP level
    rsvp_level = "pct_within_trt,99,96,pct,Service Responses within the Target Response Time,"
    assert rsvp_level + "metrics.md v1 §2 (unverified)\n" in levels.read_text()
    levels.write_text(levels.read_text().replace(rsvp_level + "metrics.md v1 §2 (unverified)", rsvp_level)
                      + "alerts_within_sla,99.5,97,pct,Alerts again,confirmed\n")
    parameters = project / "seeds" / "parameters.csv"
    parameters.write_text(parameters.read_text().replace("fw_delivery_window_s,432000,", "fw_delivery_window_s,5,"))
    catalogue = project / "seeds" / "srv_catalogue.csv"
    catalogue.write_text(catalogue.read_text().replace(
        "11.1,Update Firmware,false,true,false,false,true,true,432000,", "11.1,Update Firmware,false,true,false,false,"
        "true,true,518400,"))
    checked = run_project_copy(project, "check")
    assert checked.returncode == 1 and "dbt project: compiles" not in checked.stdout
    assert ("unique_service_levels_service_level: seeds/service_levels.csv: a value of service_level appears more "
            "than once:\n    service_level=alerts_within_sla, times=2\n") in checked.stderr
    assert ("not_null_service_levels: seeds/service_levels.csv: a column that must have a value (service_level, target, "
            "minimum, unit, description, source) is empty in some row:\n    column_name=source, rows_without_a_value=1\n"
            ) in checked.stderr
    # the singular test's own rows: the window (5 days, named once) against the longest TRT, now 6 days
    assert ("assert_response_follow_up_is_the_longest_trt: seeds/parameters.csv response_follow_up_s must equal the "
            "longest Target Response Time") in checked.stderr
    assert "\n    response_follow_up_s=432000.0, rows_named=1, longest_trt_s=518400\n" in checked.stderr
    # a window entered in the wrong unit: 5 (s) for the 5 days of 11.1's TRT, now 6 days
    assert ("assert_windows_allow_what_they_wait_for: seeds/parameters.csv: a window must be at least as long, in "
            "seconds, as what it waits for") in checked.stderr
    assert ("\n    parameter=fw_delivery_window_s, window_s=5.0, must_allow=the TRT of 11.1, bound_s=518400.0\n"
            in checked.stderr)
    assert ("error: SQL whose result depends on the order the rows arrive in, which changes from one build to the "
            "next (DuckDB's threads), so a re-run of the same month would publish other figures (docs/adding-a-metric"
            ".md, \"Means and sums of fractional numbers\"):\n  models/metrics/metric_zz_new.sql: avg over DOUBLE "
            "(instead: {{ sum_exact(...) }} or {{ mean_exact(...) }}, which add whole units as integers)\n"
            ) in checked.stderr
    assert ("a metric definition breaks the contract of docs/adding-a-metric.md: metric model metric_zz_new lacks "
            "column(s): metric_id, period, day, business_process, segment") in checked.stderr


def test_pmr_check_leaves_out_dbts_lines_about_itself_but_never_an_error():
    from pmr.project_check import _without_dbt_preamble

    log = ("12:00:01  Running with dbt=1.11.16\n12:00:01  Registered adapter: duckdb=1.11.1\n"
           "12:00:02  Unable to do partial parsing because saved manifest not found. Starting full parse.\n"
           "12:00:05  Found 100 models, 514 data tests, 11 seeds\n12:00:05\n"
           "12:00:05  Concurrency: 1 threads (target='duckdb')\n12:00:05  Encountered an error:\n"
           "Found a cycle: model.pmr.metric_zz_new --> model.pmr.metric_zz_new")
    assert _without_dbt_preamble(log).splitlines() == [
        "12:00:05  Encountered an error:", "Found a cycle: model.pmr.metric_zz_new --> model.pmr.metric_zz_new"]


def test_the_incremental_check_builds_the_models_an_incremental_build_changes():
    """Incremental models, and models calling build_mode or incremental_recompute
    directly or through other macros; not a model that only reads one of those, nor
    one calling an unrelated macro (the full build ran their SQL)."""
    from pmr.project_check import models_an_incremental_build_changes

    def macro(name, *calls):
        return f"macro.p.{name}", {"name": name, "depends_on": {"macros": [f"macro.p.{c}" for c in calls]}}

    def model(name, *calls, materialized="table"):
        return f"model.p.{name}", {"name": name, "resource_type": "model", "config": {"materialized": materialized},
                                   "depends_on": {"macros": [f"macro.p.{c}" for c in calls]}}

    manifest = {"macros": dict([macro("build_mode"), macro("incremental_recompute", "build_mode"),
                                macro("touched_keys", "build_mode"), macro("touched_rows", "touched_keys"),
                                macro("segment_of")]),
                "nodes": dict([model("fct", "incremental_recompute", materialized="incremental"),
                               model("inc_without_macros", materialized="incremental"),
                               model("keys", "touched_rows"), model("mode", "build_mode"),
                               model("reads_keys"), model("segments", "segment_of"),
                               ("test.p.not_null_keys", {"name": "not_null_keys", "resource_type": "test",
                                                         "config": {}, "depends_on": {"macros": ["macro.p.build_mode"]}})])}
    assert models_an_incremental_build_changes(manifest) == ["fct", "inc_without_macros", "keys", "mode"]
