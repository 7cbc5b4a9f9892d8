"""The dbt project must run on a distributed engine as well as on DuckDB
(docs/portability.md): engine-specific SQL lives only in dispatched macros, whose
DuckDB body (default__ or duckdb__) has a spark__ variant beside it. This test reads
the SQL for the DuckDB-only constructs that a build on Spark 3.5 actually tripped on
(and a few of their kind), so a model that uses one fails here, in seconds, instead
of on the next Spark run (`make spark-check`). A singular test tagged duckdb_only
is exempt: it checks DuckDB itself."""

from __future__ import annotations

import re

import pytest

from pmr import PROJECT_DIR

DUCKDB_ONLY = {
    r"\bvarchar\b": "varchar without a length is an error on Spark: write string",
    r"::": "a :: cast is DuckDB syntax: write cast(... as ...)",
    r"\btarget\.database\b": "target.database is undefined on dbt-spark: write target.get('database')",
    r"\b100\.0\s*\*": "100.0 * a / b divides as a decimal(38, 14) on Spark: use percent_of",
    r"\bepoch(_us|_ms|_ns)?\(": "the epoch functions are DuckDB's: use seconds_between or a dispatched macro",
    r"\b(json_object|to_json|regexp_full_match|regexp_matches|strftime|strptime|struct_pack|string_agg|list_\w+)\(":
        "a DuckDB-only function: put it in a dispatched macro with a spark__ variant",
    r"\btimezone\(": "timezone() is DuckDB's: use utc_to_uk / uk_to_utc",
    r"\bqualify\b": "QUALIFY is not Spark SQL",
    r"\bdelete\s+from\b": "DELETE needs Delta or Iceberg on Spark: dispatch it (clear_recomputed_rows)",
}
ENGINE_VARIANT = re.compile(r"^(duckdb|spark)__")
BLOCK = re.compile(r"\{%-?\s*(?:macro|test)\s+(\w+)\s*\(.*?\{%-?\s*end(?:macro|test)\s*-?%\}", re.S)


def without_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", re.sub(r"\{#.*?#\}", "", sql, flags=re.S))


def duckdb_only(sql: str) -> list[str]:
    return [why for pattern, why in DUCKDB_ONLY.items() if re.search(pattern, sql, flags=re.I)]


def macro_blocks() -> dict[str, tuple[str, str]]:
    blocks = {}
    for path in sorted([*PROJECT_DIR.glob("macros/**/*.sql"), *PROJECT_DIR.glob("tests/dbt/generic/*.sql")]):
        for match in BLOCK.finditer(without_comments(path.read_text())):
            blocks[match.group(1)] = (str(path.relative_to(PROJECT_DIR)), match.group(0))
    return blocks


def test_models_and_singular_tests_use_no_duckdb_only_sql():
    problems = []
    for path in sorted([*PROJECT_DIR.glob("models/**/*.sql"), *PROJECT_DIR.glob("tests/dbt/*.sql")]):
        sql = without_comments(path.read_text())
        if "duckdb_only" in sql:
            continue
        problems += [f"{path.relative_to(PROJECT_DIR)}: {why}" for why in duckdb_only(sql)]
    assert problems == []


def test_seed_column_types_are_spark_types_too():
    project = (PROJECT_DIR / "dbt_project.yml").read_text()
    assert not re.search(r"\bvarchar\b", project, flags=re.I), "seed column types: write string, not varchar"


def test_duckdb_only_sql_in_macros_has_a_spark_variant():
    blocks = macro_blocks()
    problems = []
    for name, (path, sql) in blocks.items():
        if ENGINE_VARIANT.match(name):
            continue
        if name.startswith("default__") and "spark__" + name.removeprefix("default__") in blocks:
            continue
        problems += [f"{path}: {name}: {why}" for why in duckdb_only(sql)]
    assert problems == []


@pytest.mark.parametrize("sql, found", [
    ("select cast(x as varchar) from t", True),
    ("select x::bigint from t", True),
    ("select 100.0 * a / b from t", True),
    ("select {{ percent_of('a', 'b') }}, cast(x as string) from t -- not cast(x as varchar)", False),
])
def test_the_reader_finds_what_it_looks_for(sql, found):
    assert bool(duckdb_only(without_comments(sql))) is found
