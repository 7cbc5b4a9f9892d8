"""Aggregates (and LIMITs) whose result depends on the order the rows arrive in, found
in the bound plan of every model (`pmr check`), where the types are known.

DuckDB aggregates in parallel and writes tables in parallel, so rows reach an aggregate
in an order that changes from one build of the same month to the next. A sum or mean
of doubles then changes in its last digits (two builds at scale 0.02 once gave
13757.831254554769 and 13757.831254554716 for one mean, decision log), and a first
value, a list or a LIMIT without an ORDER BY, or an arg_min whose key can tie, picks
other rows: metrics.csv would no longer be byte-identical on a re-run (README). The SQL
text cannot tell `sum(rtt_s)` from `sum(requests)`; DuckDB's serialized plan
(`json_serialize_plan`) gives each aggregate's function and argument types. A window
with an ORDER BY takes its rows in that order, so only a window without one is named
(an ORDER BY with ties leaves the ties' order to the threads: order on a key)."""

from __future__ import annotations

import json

import duckdb

# Floating-point arithmetic whose rounding depends on the order the values are combined in
FLOAT_ORDER_SENSITIVE = frozenset({
    "sum", "avg", "mean", "fsum", "sumkahan", "kahan_sum", "favg", "product", "stddev", "stddev_samp", "stddev_pop",
    "variance", "var_samp", "var_pop", "covar_samp", "covar_pop", "corr", "regr_avgx", "regr_avgy", "regr_slope",
    "regr_intercept", "regr_r2", "regr_sxx", "regr_syy", "regr_sxy", "skewness", "kurtosis", "kurtosis_pop", "sem",
})
FLOAT_TYPES = frozenset({"DOUBLE", "FLOAT"})
# A row or a list of rows picked in arrival order unless the call has an ORDER BY (mode:
# of values equally frequent, the first seen)
ARRIVAL_ORDER_PICKERS = frozenset({
    "first", "last", "any_value", "arbitrary", "string_agg", "group_concat", "listagg", "list", "array_agg", "mode",
})
# The value on the row where a key is smallest or largest: of rows tied on the key, whichever came first
VALUE_AT_EXTREME = frozenset({"arg_min", "arg_max", "argmin", "argmax", "min_by", "max_by"})
# Whatever the types and orders: sketches merged in arrival order, or a random sample
ALWAYS_ORDER_DEPENDENT = frozenset({"approx_quantile", "reservoir_quantile"})
# Window functions that number or pick rows by the window's order, arbitrary without one
POSITIONAL_WINDOWS = frozenset({
    "WINDOW_ROW_NUMBER", "WINDOW_FIRST_VALUE", "WINDOW_LAST_VALUE", "WINDOW_NTH_VALUE", "WINDOW_LEAD",
    "WINDOW_LAG",
})

INSTEAD = {
    "float": "{{ sum_exact(...) }} or {{ mean_exact(...) }}, which add whole units as integers",
    "picker": "an ORDER BY on a key inside the call, or min()/max()",
    "sketch": "an exact aggregate ({{ median_exact(...) }}, quantile_cont)",
    "window": "an ORDER BY on a key in the window",
    "limit": "an ORDER BY on a key before it, or an aggregate",
    "extreme": "a key that ends with the value itself, as {{ value_at_min(value, [key, value]) }} has",
}


class PlanUnreadable(Exception):
    """DuckDB cannot serialize the plan of a query (an operator without serialization,
    such as a scan of files)."""


def order_dependent_steps(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """The aggregates, window functions and LIMITs of `sql`, bound on `con`, whose result
    can change with the order the rows arrive in, each as "avg over DOUBLE (instead: ...)",
    in plan order without repeats. The plan is DuckDB's before optimisation, as written
    (the optimiser turns an avg into a sum and a count). PlanUnreadable when DuckDB
    cannot serialize it."""
    plan = json.loads(con.execute("select json_serialize_plan(?, optimize := false)", [sql]).fetchone()[0])
    if plan.get("error"):
        raise PlanUnreadable(plan.get("error_message") or plan.get("error_type") or "no plan")
    found: list[str] = []
    for node in _nodes(plan):
        problem = _limit_problem(node) if node.get("type") == "LOGICAL_LIMIT" else _problem(node)
        if problem and problem not in found:
            found.append(problem)
    return found


def _nodes(node):
    """Every aggregate and window expression and every LIMIT in a serialized plan, depth
    first, but for the first() DuckDB's binder makes of a scalar subquery (`(select
    value from ...)`), which raises an error when the subquery has more than one row:
    one value, in any order (DuckDB's default, scalar_subquery_error_on_multiple_rows)."""
    if isinstance(node, dict):
        if node.get("expression_class") in ("BOUND_AGGREGATE", "BOUND_WINDOW") or node.get("type") == "LOGICAL_LIMIT":
            yield node
        if _is_scalar_subquery(node):
            aggregate = node["children"][0]
            yield from (e for e in aggregate["expressions"] if _name(e) != "first")
            for child in aggregate["children"]:
                yield from _nodes(child)
            return
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _is_scalar_subquery(node: dict) -> bool:
    """A projection that raises error() when its one child, an aggregate of first() and
    count_star() with no groups, counts more than one row: a bound scalar subquery."""
    children = node.get("children") or []
    if node.get("type") != "LOGICAL_PROJECTION" or len(children) != 1:
        return False
    aggregate = children[0]
    return (aggregate.get("type") == "LOGICAL_AGGREGATE_AND_GROUP_BY" and not aggregate.get("groups")
            and sorted(_name(e) for e in aggregate.get("expressions") or []) == ["count_star", "first"]
            and any(_calls_error(e) for e in node.get("expressions") or []))


def _calls_error(node) -> bool:
    if isinstance(node, dict):
        return (node.get("expression_class") == "BOUND_FUNCTION" and _name(node) == "error") or any(
            _calls_error(v) for v in node.values())
    if isinstance(node, list):
        return any(_calls_error(v) for v in node)
    return False


def _name(expression: dict) -> str:
    return ((expression.get("qname") or {}).get("path") or [""])[-1].lower()


def _limit_problem(limit: dict) -> str | None:
    """A LIMIT or OFFSET keeps whichever rows come first unless it orders them; dbt's
    --empty stand-in for a ref (`where false limit 0`) keeps none."""
    keeps_none = limit["limit_val"].get("type") == "CONSTANT_VALUE" and limit["limit_val"].get("constant_integer") == 0
    if keeps_none or any(child.get("type") == "LOGICAL_ORDER_BY" for child in limit.get("children") or []):
        return None
    return f"LIMIT or OFFSET without an ORDER BY (instead: {INSTEAD['limit']})"


def _problem(expression: dict) -> str | None:
    name = _name(expression)
    argument_types = {argument.get("id") for argument in expression.get("arguments") or []}
    window = expression["expression_class"] == "BOUND_WINDOW"
    if window:
        ordered = bool(expression.get("orders")) or bool(expression.get("arg_orders"))
        if not ordered and expression.get("type") in POSITIONAL_WINDOWS:
            what = expression["type"].removeprefix("WINDOW_").lower()
            return f"{what}() over a window without an ORDER BY (instead: {INSTEAD['window']})"
    else:
        ordered = bool(expression.get("order_bys"))
    if name in ALWAYS_ORDER_DEPENDENT:
        return f"{name} (instead: {INSTEAD['sketch']})"
    if ordered:
        return None
    over = " in a window without an ORDER BY" if window else ""
    if name in FLOAT_ORDER_SENSITIVE and argument_types & FLOAT_TYPES:
        types = "/".join(sorted(argument_types & FLOAT_TYPES))
        return f"{name} over {types}{over} (instead: {INSTEAD['float']})"
    if name in ARRIVAL_ORDER_PICKERS:
        return f"{name} without an ORDER BY{over} (instead: {INSTEAD['picker']})"
    if name in VALUE_AT_EXTREME and not _key_holds_value(expression.get("children") or []):
        return f"{name}(value, key) with a key that can tie: of tied rows, whichever comes first (instead: " \
               f"{INSTEAD['extreme']})"
    return None


def _key_holds_value(arguments: list) -> bool:
    """arg_min(value, key) and the like give one value for rows tied on the key when the
    key is the value, or a struct_pack or row of which the value is one field."""
    if len(arguments) < 2:
        return False
    value, key = _shape(arguments[0]), arguments[1]
    fields = (key.get("children") or []) if _name(key) in ("struct_pack", "row") else [key]
    return any(_shape(field) == value for field in fields)


def _shape(expression):
    """An expression without what tells two copies of it apart (where it stands in the
    SQL text, its alias)."""
    if isinstance(expression, dict):
        return {k: _shape(v) for k, v in expression.items() if k not in ("query_location", "query_location_length",
                                                                           "alias")}
    if isinstance(expression, list):
        return [_shape(v) for v in expression]
    return expression


def model_problems(con: duckdb.DuckDBPyConnection, manifest: dict) -> tuple[list[str], list[str]]:
    """(problems, unread) for every model of a dbt `manifest` whose compiled SQL binds on
    `con` (a warehouse the manifest's build made): each problem as "path: what", and the
    models whose plan DuckDB could not bind or serialize, which were not checked."""
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    _stand_in_for_scratch_tables(con, models)
    problems, unread = [], []
    for node in sorted(models, key=lambda n: n["original_file_path"]):
        if not node.get("compiled_code"):
            continue
        try:
            found = order_dependent_steps(con, node["compiled_code"])
        except (PlanUnreadable, duckdb.Error) as error:
            unread.append(f"{node['original_file_path']}: {str(error).splitlines()[0]}")
            continue
        problems += [f"{node['original_file_path']}: {problem}" for problem in found]
    return problems, unread


def _stand_in_for_scratch_tables(con: duckdb.DuckDBPyConnection, models: list[dict]) -> None:
    """The tables of one build only, made again on `con`, empty, from their compiled SQL,
    so that the models reading them bind: the incremental branches do. Those are the
    models dbt puts in another database than the warehouse's (macro scratch_database: an
    in-memory database that dbt attaches, gone when it exits)."""
    warehouse = con.execute("select current_database()").fetchone()[0]
    scratch = [node for node in models if node["database"] != warehouse and node.get("compiled_code")]
    attached = {row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()}
    for database in sorted({node["database"] for node in scratch} - attached):
        con.execute(f"attach ':memory:' as \"{database}\"")
    pending = sorted(scratch, key=lambda n: n["name"])
    while pending:  # each after the scratch tables it reads
        made = []
        for node in pending:
            relation = f'"{node["database"]}"."{node["schema"]}"."{node["name"]}"'
            try:
                con.execute(f'create schema if not exists "{node["database"]}"."{node["schema"]}"')
                con.execute(f'create or replace table {relation} as select * from ({node["compiled_code"]}) limit 0')
                made.append(node)
            except duckdb.Error:
                continue
        if not made:
            return  # the models that read what is left are reported as not checked
        pending = [node for node in pending if node not in made]
