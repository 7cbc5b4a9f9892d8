"""Collect every metric model into one table, `metrics.pmr_metrics`, the long
format of metrics.csv (metrics.md §8).

Metric models are found through the dbt manifest: any model whose config meta
has `pmr_metrics` (docs/adding-a-metric.md; read and checked by
pmr.metric_declarations). Their YAML gives each metric_id its requirement, kind, unit
and service level; targets and minimums come from the `service_levels` seed. Nothing
here knows any particular metric, so adding one needs no Python change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from pmr import landing_reach
from pmr.metric_declarations import (
    BREAKDOWNS,
    CATALOGUE_COLUMNS,
    MetricDefinitionError,
    MetricModel,
    catalogue_rows,
    check_service_levels,
    metric_models,
)
from pmr.metric_tables import CATALOGUE, TABLE, comment_tables

METRIC_COLUMNS = (
    "metric_id", "period", "day", "business_process", "segment", "device_type",
    "service", "time_band", "category", "value",
)
CSV_COLUMNS = (
    "metric_id", "requirement", "kind", "period", "day", "business_process", "segment", "device_type",
    "service", "time_band", "category", "value", "unit", "target", "minimum",
)


def collect(con: duckdb.DuckDBPyConnection, manifest_path: Path, period: str) -> int:
    """(Re)build metrics.pmr_metrics, metrics.metric_catalogue and metrics.metric_status;
    returns the row count of metrics.pmr_metrics."""
    models = metric_models(manifest_path)
    check_service_levels(models, dict(con.execute(
        "select service_level, unit from reference.service_levels").fetchall()))
    con.execute("create schema if not exists metrics")
    rows = catalogue_rows(models, follow_up_parameters(con))
    con.execute(
        f"""create or replace table {CATALOGUE} (model varchar, metric_id varchar, requirement varchar,
            kind varchar, unit varchar, service_level varchar, title varchar, description varchar,
            fractional boolean, follow_up_s double, requests_received_to_s double, indicator_breakdowns varchar,
            sources varchar)"""
    )
    if rows:
        con.executemany(f"insert into {CATALOGUE} values ({', '.join('?' * len(CATALOGUE_COLUMNS))})", rows)
    check_metric_columns(con, models)
    union = union_sql(models)
    undeclared = con.execute(undeclared_sql(union)).fetchall()
    if undeclared:
        listed = ", ".join(f"{metric} (in {model})" for model, metric in undeclared)
        raise MetricDefinitionError(f"metric ids returned but not declared in the model's YAML: {listed}"
                                    + _declared_but_not_returned(con, union, models, {m for m, _ in undeclared}))
    con.execute(f"create or replace table {TABLE} as {figures_sql(union)}", [period])
    landing_reach.write_metric_status(con, period)
    comment_tables(con)
    return con.execute(f"select count(*) from {TABLE}").fetchone()[0]


# A value of any number type is taken (the union casts it to a double), never text: a
# text value would be parsed as it comes ('nan' included).
NUMBER_TYPE = re.compile(r"(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))")


def check_metric_columns(con: duckdb.DuckDBPyConnection, models: list[MetricModel]) -> None:
    """MetricDefinitionError naming the first built metric model that lacks a column of
    the contract (METRIC_COLUMNS) or whose day is not a DATE or value not a number. One
    model's day as a TIMESTAMP made the union's day a TIMESTAMP, and every daily figure of
    metrics.csv was published as 2026-10-05T00:00:00 instead of 2026-10-05."""
    for model in models:
        # an untyped NULL column is of type "NULL", quotes included
        types = {row[0]: row[1].strip('"') for row in con.execute(f"describe {model.relation}").fetchall()}
        missing = [c for c in METRIC_COLUMNS if c not in types]
        if missing:
            raise MetricDefinitionError(f"metric model {model.name} lacks column(s): {', '.join(missing)}")
        if types["day"] != "DATE":
            raise MetricDefinitionError(
                f"metric model {model.name}: day is {types['day']}, not DATE: a daily figure's day is its UK date "
                f"(received_day_uk of fct_service_requests, or cast({{{{ utc_to_uk('<timestamp>') }}}} as date)), a "
                f"monthly figure's day is cast(null as date) (metric_rows does both)")
        if not NUMBER_TYPE.fullmatch(types["value"]):
            raise MetricDefinitionError(
                f"metric model {model.name}: value is {types['value']}, not a number: write the figure as a number "
                f"(metric_rows casts it to a double)")


# The SQL below is plain enough for DuckDB and Spark alike (pmr.spark_check runs it on
# Spark to compare the figures), except the typed nulls of a project with no metric model.

def follow_up_parameters(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, str]]:
    """Every parameter of seeds/parameters.csv: name -> (value, unit). A metric's
    `follow_up` may name those in seconds."""
    return {name: (value, unit) for name, value, unit in
            con.execute("select parameter, value, unit from reference.parameters").fetchall()}


def union_sql(models: list[MetricModel]) -> str:
    """Every metric model's figures, one union: METRIC_COLUMNS, value as a double, and the model's name."""
    selects = [
        f"select {', '.join(METRIC_COLUMNS[:-1])}, cast(value as double) as value, '{model.name}' as model "
        f"from {model.relation}"
        for model in models
    ]
    return " union all ".join(selects) if selects else (
        "select " + ", ".join(f"null::varchar as {c}" for c in METRIC_COLUMNS[:2]) + ", null::date as day, "
        + ", ".join(f"null::varchar as {c}" for c in METRIC_COLUMNS[3:-1]) + ", null::double as value, null::varchar as model where false"
    )


def _declared_but_not_returned(con: duckdb.DuckDBPyConnection, union: str, models: list[MetricModel],
                               names: set[str]) -> str:
    """For the models `names`, the ids each declares and returns no row of: beside an
    undeclared id, most likely the same id spelt differently in the YAML or the SQL."""
    returned = set(con.execute(f"select distinct model, metric_id from ({union})").fetchall())
    hints = []
    for model in sorted((m for m in models if m.name in names), key=lambda m: m.name):
        silent = [d["metric_id"] for d in model.definitions if (model.name, d["metric_id"]) not in returned]
        if silent:
            hints.append(f"{model.name} declares {', '.join(silent)} and returns no row of "
                         f"{'them' if len(silent) > 1 else 'it'}")
    return f" ({'; '.join(hints)}: the same id spelt differently?)" if hints else ""


def undeclared_sql(union: str, catalogue: str = CATALOGUE) -> str:
    """(model, metric_id) returned by a model but not declared in its YAML."""
    return f"""select distinct f.model, f.metric_id from ({union}) f
            left join {catalogue} c on f.metric_id = c.metric_id and f.model = c.model
            where c.metric_id is null"""


def _measured_here() -> str:
    """True for a row of a measure that none of its indicator_breakdowns breaks down."""
    broken_down = {b: f"f.{b} is not null" for b in BREAKDOWNS} | {"segment": "coalesce(f.segment, 'All') <> 'All'"}
    indicator_rows = " or ".join(
        f"(instr(coalesce(c.indicator_breakdowns, ''), ',{b},') > 0 and {broken_down[b]})" for b in BREAKDOWNS)
    return f"(c.kind = 'measure' and not ({indicator_rows}))"


def figures_sql(union: str, catalogue: str = CATALOGUE, period: str = "?") -> str:
    """The rows of metrics.pmr_metrics for one period (`period`: a parameter marker or a SQL literal).
    Each row's kind, target and minimum: a measure's, or an indicator's (none) for the
    rows its indicator_breakdowns name."""
    measured = _measured_here()
    return f"""select f.metric_id, c.requirement, case when {measured} then 'measure' else 'indicator' end as kind,
                   f.period, f.day, f.business_process, f.segment,
                   f.device_type, f.service, f.time_band, f.category, f.value, c.unit,
                   case when {measured} then sl.target end as target,
                   case when {measured} then sl.minimum end as minimum, f.model
            from ({union}) f
            join {catalogue} c on f.metric_id = c.metric_id
            left join reference.service_levels sl on c.service_level = sl.service_level
            where f.period = {period}"""


def csv_order_by() -> str:
    """The one row order of metrics.csv, so re-runs give identical bytes."""
    return ", ".join(
        f"{c} nulls first" for c in (
            "requirement", "metric_id", "business_process", "service", "segment", "device_type",
            "time_band", "category", "day",
        )
    )


def published_metrics_damage(raw: bytes, figures: int, run_log: dict | None) -> str | None:
    """Why a published metrics.csv is damaged, or None: `raw` its bytes, holding
    `figures` rows, `run_log` the run-log.json beside it (None when it has none). A file
    cut short ends without a line ending, or at one but with fewer figures than its run
    log says the run collected."""
    if raw and not raw.endswith(b"\n"):
        return "its last line is cut short"
    steps = (run_log or {}).get("steps")
    collected = [s.get("rows") for s in (steps if isinstance(steps, list) else [])
                 if isinstance(s, dict) and s.get("step") == "collect metrics"]
    if collected and isinstance(collected[-1], int) and collected[-1] != figures:
        return f"it holds {figures:,} figure{'' if figures == 1 else 's'} where its run log says {collected[-1]:,}"
    return None


def run_log_beside(metrics_csv: Path) -> dict | None:
    """The run-log.json beside a published metrics.csv, or None (none, or not readable)."""
    try:
        log = json.loads(Path(metrics_csv).with_name("run-log.json").read_text())
    except (OSError, ValueError):
        return None
    return log if isinstance(log, dict) else None
