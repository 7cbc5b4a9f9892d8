"""The publication gate: every check that must pass before a report is published.

Blocking checks come from dbt tests (structure, keys, enums, accounting identity,
severity error) and from the Great Expectations suites in expectations/ (figures,
segments, volume reconciliation, accounting; expectations/suites.py lists them),
run on data read read-only from the warehouse. Warnings (dbt tests with severity
warn, non-blocking expectations) are listed in the report's data-quality appendix.
`pmr run` and the Dagster check `publication_gate` both call `evaluate`, so there
is one implementation of the gate (docs/orchestration.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import duckdb

from pmr.dbt_runner import DbtResult
from pmr.warehouse import OUT_OF_MEMORY_TEXT, out_of_memory_hint

# The check that every UK day of the month has data: blocking, or a warning that the
# report announces at its top when a run allows missing days (--allow-missing-days).
DAYS_CHECK = "period: every day has data"
# A warning: a day whose first or last hours are nearly empty (pmr.day_ends).
DAY_ENDS_CHECK = "period: every day's data runs from its start to its end"
# A warning: figures that look past the month (metric YAML `follow_up`) before that data landed.
FOLLOW_UP_CHECK = "period: data after the month has landed"
# A warning that the report announces at its top: a source without a row in the month,
# whose figures are then computed without its data.
DELIVERY_CHECK = "period: every source has data in the month"

@dataclass
class CheckResult:
    name: str
    source: str  # "dbt", "gx", or "dagster" (orchestration/checks.py: a run that did not build)
    passed: bool
    blocking: bool
    detail: str = ""


# DuckDB's words when metric_rows reads `day` from a relation that has no such column
NO_DAY_COLUMN = re.compile(r'Column "day" referenced that exists in the SELECT clause')
NO_DAY_COLUMN_HINT = ("\npmr: a metric_rows call over a relation without a day column needs day=none "
                      "(docs/adding-a-metric.md, the macro metric_rows)")


def from_dbt(result: DbtResult) -> list[CheckResult]:
    checks = []
    for r in result.results:
        unique_id = r["unique_id"]
        kind = unique_id.split(".")[0]
        status = r.get("status")
        if status == "skipped":  # an upstream failure, reported on its own
            continue
        if kind not in ("test", "unit_test") and status not in ("error", "runtime error"):
            continue
        name = unique_id.split(".")[2] if kind in ("test", "unit_test") else unique_id
        passed = status in ("pass", "success")
        blocking = status != "warn"
        detail = (r.get("message") or "").strip() or status
        if r.get("description"):  # what the test means, then dbt's words for what it found
            detail = f"{r['description']} (dbt: {detail})"
        if kind == "model" or kind == "seed":
            detail = f"{kind} failed to build: {detail}"
        if OUT_OF_MEMORY_TEXT.search(detail):
            detail += out_of_memory_hint()
        elif kind == "model" and NO_DAY_COLUMN.search(detail):
            detail += NO_DAY_COLUMN_HINT
        checks.append(CheckResult(name=name, source="dbt", passed=passed, blocking=blocking, detail=detail))
    if not result.ok and not any(not c.passed and c.blocking for c in checks):
        checks.append(CheckResult("dbt build", "dbt", False, True, "dbt build failed:\n" + result.log_tail))
    return checks


def evaluate(
    con: duckdb.DuckDBPyConnection,
    month: str,
    dbt_checks: list[CheckResult],
    progress: Callable[[str], None] | None = None,
    allow_missing_days: bool = False,
) -> list[CheckResult]:
    """All checks for `month`: dbt's, then the expectation suites (expectations/)
    on the accounting and on metrics.pmr_metrics, through a read-only connection.
    `allow_missing_days`: a day of the month without data warns instead of blocking."""
    from expectations import run_suites

    checks = list(dbt_checks)
    if any(not c.passed and c.blocking for c in dbt_checks):
        return checks  # marts may be missing or stale: nothing further to validate
    checks += run_suites(con, month, progress, allow_missing_days)
    if progress:
        failed = blocking_failures(checks)
        warned = warnings(checks)
        progress(
            f"checks: {len(checks)} evaluated, {len(failed)} blocking failure(s), {len(warned)} warning(s)"
            + (": " + ", ".join(c.name for c in failed) if failed else "")
        )
        for check in warned:
            progress(f"warning: {check.name}: {check.detail}")
    return checks


def blocking_failures(checks: list[CheckResult]) -> list[CheckResult]:
    """Checks that stop publication."""
    return [c for c in checks if c.blocking and not c.passed]


def listed(checks: list[CheckResult]) -> str:
    """The checks one per line, with their details, as every 'NOT PUBLISHED' message lists them."""
    return "\n".join(f"  - {c.name}: {c.detail}" for c in checks)


def warnings(checks: list[CheckResult]) -> list[CheckResult]:
    """Failed non-blocking checks: listed in the report's data-quality appendix."""
    return [c for c in checks if not c.blocking and not c.passed]
