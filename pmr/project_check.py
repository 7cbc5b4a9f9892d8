"""`pmr check`: the project's checks that need no data, for a metric author after an
edit: the metric declarations against their contract, the metric docs, portable SQL,
dbt building the whole project on an empty warehouse (every model compiled and run
with no rows, so a column a model reads that is not there fails in seconds), first as a
full build and then, for the models whose SQL an incremental build changes, as an
incremental one (their other branch), every model's plan in either build for SQL whose
result depends on the order rows arrive in (pmr.order_dependence), and the tests of the
reference tables (seeds), which load in full."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# dbt's lines about itself, which a metric author reading why the project does not compile
# need not wade through (a fresh parse is every check's normal case, not a problem)
# ("Found 100 models, ..." is the node count; "Found a cycle: ..." is an error and stays)
DBT_PREAMBLE = re.compile(r"Running with dbt=|Registered adapter:|Unable to do partial parsing|Found \d+ |Concurrency:")


def _without_dbt_preamble(log: str) -> str:
    def preamble(line: str) -> bool:
        text = re.sub(r"^\d\d:\d\d:\d\d\s*", "", line)
        return not text.strip() or DBT_PREAMBLE.match(text) is not None

    return "\n".join(line for line in log.splitlines() if not preamble(line))


def cmd_check(args: argparse.Namespace) -> int:
    import tempfile

    from pmr import PROJECT_DIR
    from pmr.cli import progress
    from pmr.dbt_runner import target_path_for
    from pmr.metric_declarations import MetricDefinitionError, check_declarations, metric_models
    from pmr.metric_docs import undocumented
    from pmr.metrics import check_metric_columns
    from pmr.portability import macro_problems, model_problems, yaml_sql_problems
    from pmr.warehouse import connect

    try:
        models = check_declarations(PROJECT_DIR)
    except MetricDefinitionError as error:
        print(f"error: {error.summary}: {error}", file=sys.stderr)
        return 1
    ids = sum(len(model.definitions) for model in models)
    print(f"metric declarations: {len(models)} metric models declare {ids} metric ids, none breaks the contract")
    print("SQL rules: no model reads the clock or chance, takes a UTC timestamp's day or has a period's dates "
          "written in (pmr/sql_rules.py)")
    not_documented = undocumented(PROJECT_DIR, {d["metric_id"] for model in models for d in model.definitions})
    if not_documented:  # reported, and the other checks still run
        print("error: the metric docs (docs/adding-a-metric.md, step 3):\n  " + "\n  ".join(not_documented),
              file=sys.stderr)
    else:
        print("metric docs: every metric id is on a page of docs/metrics/, every family in docs/metrics.md")
    not_portable = model_problems(PROJECT_DIR) + yaml_sql_problems(PROJECT_DIR) + macro_problems(PROJECT_DIR)
    if not_portable:  # reported, and the compile still runs: it may find more
        print("error: SQL that runs on DuckDB only (docs/portability.md; the models must also build on Spark):\n  "
              + "\n  ".join(not_portable), file=sys.stderr)
    else:
        print("SQL: portable (no DuckDB-only construct outside the dispatched macros)")
    with tempfile.TemporaryDirectory(prefix="pmr-check-") as scratch:
        db = Path(scratch) / "check.duckdb"
        progress("dbt: building every model on an empty warehouse, a full build (most of the check's time)")
        result = empty_build(db)
        if not result.ok:
            print(_why_not_built(result), file=sys.stderr)
            return 1
        order_dependent, unread = order_dependence_findings(db)
        progress("dbt: building the models an incremental build changes, as one, and the reference tables' tests")
        result = empty_incremental_build(db)
        if not result.ok and not _only_tests_failed(result):
            print(_why_not_built(result, INCREMENTAL_BUILD), file=sys.stderr)
            return 1
        incremental, incremental_unread = order_dependence_findings(db)  # the incremental branches' SQL
        order_dependent += [problem for problem in incremental if problem not in order_dependent]
        unread += [model for model in incremental_unread if model not in unread]
        report_order_dependence(order_dependent, unread)
        try:
            with connect(db, read_only=True) as con:
                check_metric_columns(con, metric_models(target_path_for(db) / "manifest.json"))
        except MetricDefinitionError as error:  # reported, and the seeds' tests, which ran, are too
            columns_broken = True
            print(f"error: {error.summary}: {error}", file=sys.stderr)
        else:
            columns_broken = False
            print("dbt project: compiles, and every model builds on an empty warehouse in a full build, and each one "
                  "an incremental build changes in an incremental one (refs, sources, macros, Jinja, YAML, the columns "
                  "each model reads and a metric model returns)")
        seeds_broken = seed_test_failures(db, result)
    if seeds_broken:
        print("error: the reference tables (seeds/) fail their tests:\n  " + "\n  ".join(seeds_broken), file=sys.stderr)
    else:
        print("reference tables: every test of seeds/ passes (keys, codes, levels, the follow-up and response windows)")
    return 1 if not_portable or not_documented or seeds_broken or order_dependent or columns_broken else 0


def order_dependence_findings(db: Path) -> tuple[list[str], list[str]]:
    """(problems, unread) of pmr.order_dependence for the models the last dbt build of
    `db` compiled (its manifest): each problem as "path: what", and the models whose
    plan DuckDB could not bind or serialize. Read after the full build and again after
    the incremental one, whose manifest holds the incremental branches' SQL."""
    import json

    from pmr.dbt_runner import target_path_for
    from pmr.order_dependence import model_problems
    from pmr.warehouse import connect

    manifest = json.loads((target_path_for(db) / "manifest.json").read_text())
    with connect(db) as con:  # not read-only: the stand-ins for the scratch tables go in memory
        return model_problems(con, manifest)


def report_order_dependence(problems: list[str], unread: list[str]) -> None:
    """Print order_dependence_findings: the problems as an error; a model not checked, which
    fails nothing, on a line of its own."""
    if problems:
        print("error: SQL whose result depends on the order the rows arrive in, which changes from one build to the "
              "next (DuckDB's threads), so a re-run of the same month would publish other figures "
              "(docs/adding-a-metric.md, \"Means and sums of fractional numbers\"):\n  " + "\n  ".join(problems),
              file=sys.stderr)
    else:
        print("order of rows: no model depends on the order the rows arrive in (no sum or mean of doubles; no "
              "first value, list or LIMIT without an ORDER BY; no arg_min or arg_max whose key can tie)")
    if unread:
        print("not checked for the order of rows (DuckDB could not bind or serialize their plans):\n  "
              + "\n  ".join(unread))


SHOWN_FAULTY_ROWS = 5


def seed_test_failures(db: Path, result) -> list[str]:
    """The tests of the seeds that failed in dbt's `result` (empty_incremental_build
    runs them, on the seeds the empty build loaded in full into `db`): a duplicated
    key, an unknown code, a TRT longer than the follow-up window. Each as "test: what
    it means", then the rows at fault, read from `db`: a `pmr sql` query would read the
    built warehouse, which has not loaded this edit. Empty when all pass."""
    from pmr import gate

    by_name = {r["unique_id"].split(".")[2]: r for r in result.results}
    failures = []
    for check in gate.from_dbt(result):
        if check.passed or not check.blocking:  # a warning does not stop a build either
            continue
        tested = by_name.get(check.name, {})
        # a worded generic test's query, or a singular test's own SQL (its rows are the faults)
        rows_sql = tested.get("rows_sql") or tested.get("compiled_code")
        meaning = tested.get("meaning") or tested.get("description") or check.detail
        failures.append(f"{check.name}: {meaning}" + (_faulty_rows(db, rows_sql) if rows_sql else ""))
    return failures


def _faulty_rows(db: Path, rows_sql: str) -> str:
    """The first rows of `rows_sql` on `db`, a line each as column=value; empty when the
    query cannot run there."""
    import duckdb

    from pmr.warehouse import connect

    try:
        with connect(db, read_only=True) as con:
            cursor = con.execute(f"select * from ({rows_sql}) as faults limit {SHOWN_FAULTY_ROWS}")
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
    except duckdb.Error:
        return ""
    return ":" + "".join("\n    " + ", ".join(f"{c}={'' if v is None else v}" for c, v in zip(columns, row))
                         for row in rows)


def empty_build(db: Path):
    """dbt builds every seed and model of the project into `db` with no rows (dbt's
    --empty reads every ref and source as empty), over the landing tables ingest makes
    from an empty landing folder; no data test runs. What compiling alone passes fails
    here: a column a model reads that its input lacks, a `day` the call to metric_rows
    needs, an expression DuckDB cannot bind. It is a first, full build (the incremental
    branches are empty_incremental_build's), and what fails on a value (a cast) needs
    rows. One thread: when a model
    fails, a second thread still querying DuckDB's shared connection can end dbt with
    "connection is busy" instead of the model's error."""
    import tempfile

    from pmr import ingest
    from pmr.dbt_runner import run_dbt
    from pmr.warehouse import connect

    with tempfile.TemporaryDirectory(prefix="pmr-check-landing-") as landing:
        with connect(db) as con:
            ingest.ingest(con, Path(landing))
    return run_dbt(["build", "--empty", "--full-refresh", "--threads", "1", "--exclude-resource-type", "test",
                    "--exclude-resource-type", "unit_test"], db, period=CHECK_PERIOD)


# The month the checks build: any one would do, the warehouse holds no rows
CHECK_PERIOD = "2026-10"
CHECK_CLAIM = "pmr check"


# The macros that tell a model which build is under way (macros/incremental.sql)
BUILD_MODE_MACROS = ("build_mode", "incremental_recompute")


def models_an_incremental_build_changes(manifest: dict) -> list[str]:
    """The models of a dbt `manifest` whose SQL differs in an incremental build: the
    incremental ones (dbt's is_incremental()) and those that call a macro of
    BUILD_MODE_MACROS, directly or through other macros. Every other model runs the same
    SQL in either build, which the full build has run."""
    macros = manifest["macros"]
    telling = {uid for uid, macro in macros.items() if macro["name"] in BUILD_MODE_MACROS}
    grown = True
    while grown:
        callers = {uid for uid, macro in macros.items() if set(macro["depends_on"]["macros"]) & telling}
        grown = not callers <= telling
        telling |= callers
    return sorted(node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "model" and (
        node["config"].get("materialized") == "incremental" or set(node["depends_on"]["macros"]) & telling))


def empty_incremental_build(db: Path):
    """dbt builds again, as pmr run's incremental build does (raw.build_state: an
    incremental build under way), the models of `db` (which empty_build made) whose SQL
    an incremental build changes (models_an_incremental_build_changes), so that each
    incremental branch runs: an error there would otherwise show only at the first
    month-end run after a full build. Not with dbt's --empty, whose stand-ins for refs
    have no rowid, which the fact's incremental branch reads; the tables hold no rows
    anyway."""
    import json

    from pmr import build_state
    from pmr.dbt_runner import run_dbt, target_path_for
    from pmr.run_claim import record_claim
    from pmr.warehouse import connect

    manifest = json.loads((target_path_for(db) / "manifest.json").read_text())
    changed = models_an_incremental_build_changes(manifest)

    build = build_state.BuildPlan(build_state.INCREMENTAL, CHECK_CLAIM, build_state.definitions_fingerprint(),
                                  CHECK_PERIOD, 0)
    with connect(db) as con:
        build_state.mark_building(con, build)
        # dbt's on-run-start hook lets a build go on from a build under way only for the run that claims it
        record_claim(con, CHECK_CLAIM, CHECK_CLAIM, CHECK_PERIOD)
    # the seeds' tests in the same dbt run: a dbt command of its own took 4-5 s to start
    result = run_dbt(["build", "--threads", "1", "--select", *changed, *tests_of_seeds_alone(manifest),
                      "--indirect-selection", "empty", "--exclude-resource-type", "unit_test"],
                     db, period=CHECK_PERIOD, claim=CHECK_CLAIM)
    if result.ok or _only_tests_failed(result):
        with connect(db) as con:
            build_state.mark_built(con, build)
    return result


def tests_of_seeds_alone(manifest: dict) -> list[str]:
    """The data tests of a dbt `manifest` that read seeds and nothing else (dbt's
    cautious indirect selection of the seeds' tests), by name."""
    return sorted(node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"
                  and node["depends_on"]["nodes"]
                  and all(parent.startswith("seed.") for parent in node["depends_on"]["nodes"]))


def _failed_nodes(result) -> list[dict]:
    """The models and hooks that failed in dbt's `result` (its tests aside)."""
    return [r for r in result.failures() if not r["unique_id"].startswith("test.")]


def _only_tests_failed(result) -> bool:
    """dbt ran (it has results: no compile error stopped it) and no node but a test failed."""
    return bool(result.results) and not _failed_nodes(result)


INCREMENTAL_BUILD = " in an incremental build (its incremental branches, docs/incremental-builds.md)"


def _without_reader_settings(message: str) -> str:
    """DuckDB's error for a CSV value it cannot convert (a seed that does not load) as
    its first paragraph: the line, the value and the column. The rest is its reader's
    settings (about 20 lines, with the file's full path), which say nothing to fix."""
    if "CSV Error on Line" not in message:
        return message
    return re.split(r"\n\s*\n", message, maxsplit=1)[0]


def _why_not_built(result, build: str = "") -> str:
    """The models that failed with dbt's message, or, when dbt stopped before any (a
    Jinja or YAML error, a missing ref), the end of its log. `build` says which build
    failed when it was not the first, full one (INCREMENTAL_BUILD)."""
    failed = [r for r in _failed_nodes(result) if r.get("message")]
    if not failed:
        return f"error: dbt cannot compile the project{build}:\n{_without_dbt_preamble(result.log_tail)}"
    lines = [f"{r.get('unique_id', '').split('.')[-1]}: {_without_reader_settings(r['message'].strip())}"
             for r in failed]
    what = (f"dbt cannot compile the project{build}" if any("Compilation Error" in r["message"] for r in failed) else
            f"dbt cannot build the project on an empty warehouse{build} (a column or table a model reads that is not "
            "there, an expression DuckDB cannot bind, or a seed that does not load)")
    lines_of_compiled_sql = any(re.search(r"^\s*LINE \d+:", r["message"], re.M) for r in failed)
    where = ("\n  (a LINE number counts the lines of the model as dbt compiled it, its Jinja expanded, not of its .sql "
             "file: find the text quoted after it)" if lines_of_compiled_sql else "")
    return f"error: {what}:\n  " + "\n  ".join(line.replace("\n", "\n    ") for line in lines) + where
