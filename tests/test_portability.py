"""The dbt project must run on a distributed engine as well as on DuckDB
(docs/portability.md): pmr.portability reads the SQL for DuckDB-only constructs, so
a model that uses one fails here (and in `pmr check`), in seconds, instead of on the
next Spark run (`make spark-check`)."""

from __future__ import annotations

import re

import pytest

from pmr import PROJECT_DIR
from pmr.portability import duckdb_only, macro_problems, model_problems, without_comments, yaml_sql_problems


def test_models_and_singular_tests_use_no_duckdb_only_sql():
    assert model_problems(PROJECT_DIR) == []


def test_sql_in_yaml_data_tests_uses_no_duckdb_only_sql():
    assert yaml_sql_problems(PROJECT_DIR) == []


def test_the_sql_of_a_yaml_test_is_read_and_its_prose_is_not(tmp_path):
    """An expression_is_true with a :: cast passed pmr check and broke the Spark build."""
    models = tmp_path / "models" / "marts"
    models.mkdir(parents=True)
    (models / "_m.yml").write_text(
        "version: 2\nmodels:\n  - name: m\n    description: 'a varchar column, cast with ::'\n"
        "    data_tests:\n      - expression_is_true:\n          arguments:\n            expression: \"a::int = 1\"\n"
        "    columns:\n      - name: a\n        data_tests:\n          - not_null:\n              config:\n"
        "                where: \"b is not null\"\n")
    assert yaml_sql_problems(tmp_path) == [
        'models/marts/_m.yml: expression "a::int = 1": a :: cast is DuckDB syntax: write cast(... as ...)']


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
    # what a comment or a string literal holds is not SQL; a Jinja method is not an engine's function
    ("/* the old query read received_at::date */ select 1", False),
    ("select concat(srv, '::', device_type), 'VARCHAR' as kind from t", False),
    ("""select '{{ run_started_at.strftime("%Y-%m-%d") }}' as built""", False),
    ("select 'it''s' as a, x::int from t", True),
    ("select coalesce(a, '--') as a, b::int from t", True),
    ("select strftime(x, '%Y') from t", True),
])
def test_the_reader_finds_what_it_looks_for(sql, found):
    assert bool(duckdb_only(without_comments(sql))) is found


def test_only_the_duckdb_only_tag_exempts_a_file(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tagged.sql").write_text("{{ config(tags=['duckdb_only']) }}\nselect timezone('UTC', t)")
    (tmp_path / "models" / "named.sql").write_text("select is_duckdb_only, x::int from t")
    assert model_problems(tmp_path) == ["models/named.sql: a :: cast is DuckDB syntax: write cast(... as ...)"]
