"""SQL whose result depends on the order rows arrive in (pmr.order_dependence), found in
DuckDB's bound plan, where the types the SQL text lacks are known. `pmr check` runs it on
every model (tests/test_pmr_check.py refuses a metric that takes the mean of doubles)."""

from __future__ import annotations

import duckdb
import pytest

from pmr.order_dependence import PlanUnreadable, order_dependent_steps

FLOAT_FIX = "(instead: {{ sum_exact(...) }} or {{ mean_exact(...) }}, which add whole units as integers)"


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("create table r (rtt_s double, ratio float, requests bigint, ms integer, amount decimal(18, 6), "
                "code varchar, received_at timestamp)")
    yield con
    con.close()


@pytest.mark.parametrize(("sql", "found"), [
    # doubles added in arrival order: the last digits change between builds
    ("select avg(rtt_s) from r", [f"avg over DOUBLE {FLOAT_FIX}"]),
    ("select code, sum(rtt_s) from r group by code", [f"sum over DOUBLE {FLOAT_FIX}"]),
    ("select stddev(ratio) from r", [f"stddev over DOUBLE {FLOAT_FIX}"]),  # a FLOAT is cast to a double
    ("select sem(rtt_s) from r", [f"sem over DOUBLE {FLOAT_FIX}"]),
    ("select geomean(rtt_s) from r", [f"avg over DOUBLE {FLOAT_FIX}"]),  # DuckDB binds it as an avg of logarithms
    ("select avg(cast(requests as double)) from r", [f"avg over DOUBLE {FLOAT_FIX}"]),
    ("select avg(requests / 2) from r", [f"avg over DOUBLE {FLOAT_FIX}"]),  # / is a double division
    ("select sum(rtt_s) over (partition by code) from r",
     [f"sum over DOUBLE in a window without an ORDER BY {FLOAT_FIX}"]),
    # a deeper query, and one problem named once however often it occurs
    ("with t as (select code, avg(rtt_s) as a from r group by code) select avg(a), avg(a) * 2 from t",
     [f"avg over DOUBLE {FLOAT_FIX}"]),
    # a pick or a list in arrival order
    ("select first(code) from r", ["first without an ORDER BY (instead: an ORDER BY on a key inside the call, or "
                                   "min()/max())"]),
    ("select any_value(code), count(*) from r",
     ["any_value without an ORDER BY (instead: an ORDER BY on a key inside the call, or min()/max())"]),
    # of two codes equally frequent, the first seen
    ("select mode(code) from r",
     ["mode without an ORDER BY (instead: an ORDER BY on a key inside the call, or min()/max())"]),
    ("select string_agg(code, ', ') from r",
     ["string_agg without an ORDER BY (instead: an ORDER BY on a key inside the call, or min()/max())"]),
    ("select row_number() over (partition by code) from r",
     ["row_number() over a window without an ORDER BY (instead: an ORDER BY on a key in the window)"]),
    ("select (select code from r limit 1) as c",
     ["LIMIT or OFFSET without an ORDER BY (instead: an ORDER BY on a key before it, or an aggregate)"]),
    ("select approx_quantile(requests, 0.5) from r",
     ["approx_quantile (instead: an exact aggregate ({{ median_exact(...) }}, quantile_cont))"]),
    # the value at the smallest key: of two rows at one instant, whichever comes first
    ("select arg_min(code, received_at) from r",
     ["arg_min(value, key) with a key that can tie: of tied rows, whichever comes first (instead: a key that ends "
      "with the value itself, as {{ value_at_min(value, [key, value]) }} has)"]),
    ("select max_by(code, struct_pack(t := received_at, c := lower(code))) from r",
     ["max_by(value, key) with a key that can tie: of tied rows, whichever comes first (instead: a key that ends "
      "with the value itself, as {{ value_at_min(value, [key, value]) }} has)"]),
    ("select avg(rtt_s), first(code) from r",
     [f"avg over DOUBLE {FLOAT_FIX}",
      "first without an ORDER BY (instead: an ORDER BY on a key inside the call, or min()/max())"]),
])
def test_order_dependent_sql_is_named(con, sql, found):
    assert order_dependent_steps(con, sql) == found


@pytest.mark.parametrize("sql", [
    # integers and decimals add exactly, in any order
    "select sum(requests), avg(requests), avg(ms), sum(amount), avg(amount) from r",
    # what sum_exact and mean_exact expand to: whole microseconds as integers
    "select sum(cast(round(rtt_s * 1e6) as bigint)) / 1e6, "
    "sum(cast(round(rtt_s * 1e6) as bigint)) / nullif(count(rtt_s), 0) / 1e6 from r",
    # sorting, counting and extremes do not depend on the order
    "select percentile_cont(0.5) within group (order by rtt_s), min(rtt_s), max(rtt_s), count(distinct code) from r",
    # an order inside the call or the window
    "select string_agg(code, ', ' order by code), first(code order by received_at, code), "
    "mode() within group (order by code) from r",
    "select sum(rtt_s) over (partition by code order by received_at rows between unbounded preceding and "
    "1 preceding), row_number() over (partition by code order by received_at) from r",
    # a scalar subquery: DuckDB raises an error when it has more than one row
    "select code, (select max(rtt_s) from r as s where s.code = r.code) from r",
    "select (select requests from r where code = 'x') as value",
    # ties on the key give one value when the value is part of the key (macro value_at_min)
    "select arg_min(code, struct_pack(k1 := received_at, k2 := code)), arg_max(upper(code), row(requests, "
    "upper(code))), min_by(code, code) from r",
    # ordered before it is cut; dbt's --empty stand-in for a ref
    "select code from r order by received_at, code limit 3",
    "select * from (select * from r where false limit 0)",
])
def test_order_independent_sql_passes(con, sql):
    assert order_dependent_steps(con, sql) == []


def test_sql_that_does_not_bind_is_an_error_not_a_pass(con):
    with pytest.raises((duckdb.Error, PlanUnreadable)):
        order_dependent_steps(con, "select avg(no_such_column) from r")


def test_models_reading_the_tables_of_one_build_are_checked_too(tmp_path):
    """An incremental branch reads tables that live for one dbt build (macro
    scratch_database: an in-memory database, gone when dbt exits). model_problems makes
    them again, empty, from their compiled SQL, each after the one it reads, so that
    the branch binds and is checked; a model that still does not bind is reported as
    not checked, never passed."""
    from pmr.order_dependence import model_problems

    def model(name, sql, database="w", schema="staging"):
        return {"resource_type": "model", "name": name, "database": database, "schema": schema,
                "original_file_path": f"models/{name}.sql", "compiled_code": sql}

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema staging")
    con.execute("create table staging.rows (request_id varchar, rtt_s double)")
    manifest = {"nodes": {n["name"]: n for n in [
        # before the scratch table it reads by name too: made in a second pass
        model("more_touched", "select * from scratch.staging.touched", database="scratch"),
        model("touched", "select * from w.staging.rows", database="scratch"),
        model("fact", "select request_id, avg(rtt_s) as mean_rtt_s from scratch.staging.more_touched group by 1"),
        model("reads_nothing_there", "select * from scratch.staging.no_such_table"),
        {"resource_type": "test", "name": "a_test", "compiled_code": "select first(rtt_s) from staging.rows"},
    ]}}
    problems, unread = model_problems(con, manifest)
    assert problems == [f"models/fact.sql: avg over DOUBLE {FLOAT_FIX}"]
    assert [line.split(":")[0] for line in unread] == ["models/reads_nothing_there.sql"]
    con.close()
