"""The dbt project must run on a distributed engine as well as on DuckDB
(docs/portability.md): pmr.portability reads the SQL for DuckDB-only constructs, so
a model that uses one fails here (and in `pmr check`), in seconds, instead of on the
next Spark run (`make spark-check`)."""

from __future__ import annotations

import re

import pytest

from pmr import PROJECT_DIR
from pmr.portability import duckdb_only, macro_problems, model_problems, without_comments


def test_models_and_singular_tests_use_no_duckdb_only_sql():
    assert model_problems(PROJECT_DIR) == []


def test_seed_column_types_are_spark_types_too():
    project = (PROJECT_DIR / "dbt_project.yml").read_text()
    assert not re.search(r"\bvarchar\b", project, flags=re.I), "seed column types: write string, not varchar"


def test_duckdb_only_sql_in_macros_has_a_spark_variant():
    assert macro_problems(PROJECT_DIR) == []


@pytest.mark.parametrize("sql, found", [
    ("select cast(x as varchar) from t", True),
    ("select x::bigint from t", True),
    ("select 100.0 * a / b from t", True),
    ("select epoch(a) - epoch(b) from t", True),
    ("select {{ percent_of('a', 'b') }}, cast(x as string) from t -- not cast(x as varchar)", False),
])
def test_the_reader_finds_what_it_looks_for(sql, found):
    assert bool(duckdb_only(without_comments(sql))) is found
