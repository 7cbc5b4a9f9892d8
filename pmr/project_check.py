"""`pmr check`: the project's checks that need no data, for a metric author after an
edit: the metric declarations against their contract, the metric docs, portable SQL,
and dbt compiling the whole project against an empty warehouse."""

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
    from pmr.dbt_runner import run_dbt
    from pmr.metric_declarations import MetricDefinitionError, check_declarations
    from pmr.metric_docs import undocumented
    from pmr.portability import macro_problems, model_problems

    try:
        models = check_declarations(PROJECT_DIR)
    except MetricDefinitionError as error:
        print(f"error: a metric model breaks the contract of docs/adding-a-metric.md: {error}", file=sys.stderr)
        return 1
    ids = sum(len(model.definitions) for model in models)
    print(f"metric declarations: {len(models)} metric models declare {ids} metric ids, none breaks the contract")
    not_documented = undocumented(PROJECT_DIR, {d["metric_id"] for model in models for d in model.definitions})
    if not_documented:  # reported, and the other checks still run
        print("error: the metric docs (docs/adding-a-metric.md, step 3):\n  " + "\n  ".join(not_documented),
              file=sys.stderr)
    else:
        print("metric docs: every metric id is on a page of docs/metrics/, every family in docs/metrics.md")
    not_portable = model_problems(PROJECT_DIR) + macro_problems(PROJECT_DIR)
    if not_portable:  # reported, and the compile still runs: it may find more
        print("error: SQL that runs on DuckDB only (docs/portability.md; the models must also build on Spark):\n  "
              + "\n  ".join(not_portable), file=sys.stderr)
    else:
        print("SQL: portable (no DuckDB-only construct outside the dispatched macros)")
    with tempfile.TemporaryDirectory(prefix="pmr-check-") as scratch:
        # compile, not only parse: a misspelt macro is an error only when its Jinja renders. One
        # thread: when a model fails to compile, a second thread still querying DuckDB's shared
        # connection can end dbt with "connection is busy" instead of the model's error
        result = run_dbt(["compile", "--threads", "1"], Path(scratch) / "check.duckdb")
    if not result.ok:
        print(f"error: dbt cannot compile the project:\n{_without_dbt_preamble(result.log_tail)}", file=sys.stderr)
        return 1
    print("dbt project: compiles (refs, sources, macros, Jinja and YAML)")
    return 1 if not_portable or not_documented else 0
