"""Run a suite of Great Expectations (GX Core 1.x) on a pandas DataFrame and turn
its results into the gate's `CheckResult`s.

GX is imported here, lazily (it takes seconds), and only through its in-memory
path: an ephemeral context, a pandas data source with a whole-dataframe batch,
and `ValidationDefinition.run(batch_parameters={"dataframe": df})`. Nothing is
written to disk; progress bars and GX's logging are switched off so that the
gate's own progress messages are the only output.
"""

from __future__ import annotations

import collections
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from pmr.gate import CheckResult

Progress = Callable[[str], None]
EXAMPLES = 5  # failing rows named in a check's detail
_counter = itertools.count(1)


@dataclass
class Rule:
    """One expectation of a suite, with what the gate needs to report it."""

    name: str  # stable check name, shown in the run log and the report appendix
    expectation: Any  # a great_expectations.expectations.Expectation
    blocking: bool
    rule: str  # what must hold, in words ("within 0-100")
    rows: str  # what one row of the frame is ("pct figures")
    shown: tuple[str, ...] = field(default_factory=tuple)  # columns quoted for failing rows


def quiet() -> None:
    """Silence GX's progress bars and chatty loggers for the rest of the process."""
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def gx_modules():
    quiet()
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe


def _context():
    gx, _ = gx_modules()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _plain(value: Any) -> str:
    if value is None:
        return "empty"
    try:
        if pd.isna(value):
            return "empty"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(getattr(value, "item", lambda: value)())


def _examples(result: dict, frame: pd.DataFrame, label: str, shown: tuple[str, ...]) -> str:
    """The failing rows named by `label`, with the `shown` columns from the frame."""
    rows = result.get("unexpected_index_list") or []
    names = list(dict.fromkeys(row.get(label) for row in rows if isinstance(row, dict)))
    by_label = frame.drop_duplicates(subset=[label]).set_index(label) if shown else None
    parts = []
    for name in names[:EXAMPLES]:
        values = ""
        if by_label is not None and name in by_label.index:
            record = by_label.loc[name]
            values = ", ".join(f"{c}={_plain(record[c])}" for c in shown if c in by_label.columns)
        parts.append(f"{name}" + (f" ({values})" if values else ""))
    more = len(names) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _detail(rule: Rule, outcome: Any, frame: pd.DataFrame, label: str) -> tuple[bool, str]:
    info = outcome.exception_info or {}
    raised = info.get("raised_exception") if "raised_exception" in info else any(
        isinstance(v, dict) and v.get("raised_exception") for v in info.values()
    )
    if raised:
        message = info.get("exception_message") or next(
            (v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("exception_message")),
            "unknown error",
        )
        return False, f"{rule.rows} {rule.rule}: could not be evaluated ({message})"
    result = outcome.result or {}
    checked = result.get("element_count")
    if checked is not None and result.get("missing_count"):
        checked -= result["missing_count"]  # rows the rule does not apply to (NULL)
    if outcome.success:
        return True, f"{rule.rows} {rule.rule}: {checked if checked is not None else 'all'} checked, all pass"
    failing = result.get("unexpected_count")
    examples = _examples(result, frame, label, rule.shown)
    text = f"{rule.rows} {rule.rule}: {failing} of {checked} fail"
    return False, text + (f": {examples}" if examples else "")


def validate(
    suite: str,
    frame: pd.DataFrame,
    rules: list[Rule],
    label: str,
    progress: Progress | None = None,
) -> list[CheckResult]:
    """Validate `frame` against `rules` in one GX run; `label` is the column that
    names a row in the detail of a failing check."""
    if not rules:
        return []
    if progress:
        expectations, rows = len(rules), len(frame)
        progress(f"checks: expectation suite '{suite}' ({expectations} expectation{'s' if expectations != 1 else ''} "
                 f"on {rows:,} row{'s' if rows != 1 else ''})")
    gx, _ = gx_modules()
    context = _context()
    unique = f"{suite}-{next(_counter)}"
    batch = (
        context.data_sources.add_pandas(f"pmr-{unique}")
        .add_dataframe_asset(suite)
        .add_batch_definition_whole_dataframe("whole dataframe")
    )
    expectation_suite = context.suites.add(gx.ExpectationSuite(name=unique))
    for rule in rules:
        rule.expectation.meta = {**(rule.expectation.meta or {}), "pmr_check": rule.name}
        rule.expectation.severity = "critical" if rule.blocking else "warning"
        expectation_suite.add_expectation(rule.expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=unique, data=batch, suite=expectation_suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": [label],
            "partial_unexpected_count": EXAMPLES,
        },
    )
    by_name = {rule.name: rule for rule in rules}
    ran = {outcome.expectation_config.meta["pmr_check"] for outcome in result.results}
    named_twice = sorted(name for name, times in collections.Counter(rule.name for rule in rules).items() if times > 1)
    if named_twice or set(by_name) - ran:
        # GX adds an expectation equal to one the suite holds (meta aside) only once, and
        # a check that never ran must not pass the gate unseen
        raise ValueError(f"expectation suite '{suite}': checks named twice ({', '.join(named_twice) or 'none'}) or "
                         f"holding the same expectation as another, which GX runs once "
                         f"({', '.join(sorted(set(by_name) - ran)) or 'none'})")
    checks = []
    for outcome in result.results:
        rule = by_name[outcome.expectation_config.meta["pmr_check"]]
        passed, detail = _detail(rule, outcome, frame, label)
        checks.append(CheckResult(name=rule.name, source="gx", passed=passed, blocking=rule.blocking, detail=detail))
    order = {rule.name: i for i, rule in enumerate(rules)}
    return sorted(checks, key=lambda c: order[c.name])
