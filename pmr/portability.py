"""The dbt project must run on a distributed engine as well as on DuckDB
(docs/portability.md): engine-specific SQL lives only in dispatched macros, whose
DuckDB body (default__ or duckdb__) has a spark__ variant beside it. This reads the
SQL for the DuckDB-only constructs that a build on Spark 3.5 actually tripped on (and
a few of their kind), so `pmr check` and the tests find one in seconds instead of the
next Spark run (`make spark-check`). A singular test tagged duckdb_only
(`{{ config(tags=['duckdb_only']) }}`) is exempt: it checks DuckDB itself."""

from __future__ import annotations

import re
from pathlib import Path

from pmr.project_yaml import read_yaml

DUCKDB_ONLY = {
    r"\bvarchar\b": "varchar without a length is an error on Spark: write string",
    r"::": "a :: cast is DuckDB syntax: write cast(... as ...)",
    r"\btarget\.database\b": "target.database is undefined on dbt-spark: write target.get('database')",
    r"\b100\.0\s*\*": "100.0 * a / b divides as a decimal(38, 14) on Spark: use percent_of",
    r"\bepoch(_us|_ms|_ns)?\(": "the epoch functions are DuckDB's: use seconds_between or a dispatched macro",
    # not a Jinja method (`run_started_at.strftime(...)` renders before any engine sees it)
    r"(?<![.\w])(json_object|to_json|regexp_full_match|regexp_matches|strftime|strptime|struct_pack|string_agg|"
    r"list_\w+)\(":
        "a DuckDB-only function: put it in a dispatched macro with a spark__ variant",
    r"\btimezone\(": "timezone() is DuckDB's: use utc_to_uk / uk_to_utc",
    r"\bqualify\b": "QUALIFY is not Spark SQL",
    r"\bdelete\s+from\b": "DELETE needs Delta or Iceberg on Spark: dispatch it (clear_recomputed_rows)",
}
ENGINE_VARIANT = re.compile(r"^(duckdb|spark)__")
BLOCK = re.compile(r"\{%-?\s*(?:macro|test)\s+(\w+)\s*\(.*?\{%-?\s*end(?:macro|test)\s*-?%\}", re.S)


# In one pass, so that a quote inside a comment or "--" inside a literal is read as SQL does
SQL_TEXT = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)
DUCKDB_ONLY_TAG = re.compile(r"""\{\{\s*config\([^)]*tags\s*=\s*\[[^\]]*['"]duckdb_only['"]""")


def without_jinja_comments(text: str) -> str:
    return re.sub(r"\{#.*?#\}", "", text, flags=re.S)


def without_comments(sql: str, keep_literals: bool = False) -> str:
    """`sql` without its comments (Jinja, -- and /* */) and with its string literals
    emptied (`''`): "::" or "varchar" in a comment or a literal is not SQL. With
    `keep_literals`, for a rule that reads them (a date_trunc unit, a date), the
    literals stay as written."""
    sql = without_jinja_comments(sql)
    return SQL_TEXT.sub(lambda m: (m.group(0) if keep_literals else "''") if m.group(0).startswith("'") else "", sql)


def duckdb_only(sql: str) -> list[str]:
    """Why `sql` (comments removed) would not run on Spark: one reason per construct found."""
    return [why for pattern, why in DUCKDB_ONLY.items() if re.search(pattern, sql, flags=re.I)]


def macro_blocks(project_dir: Path) -> dict[str, tuple[str, str]]:
    """Each macro and generic test of the project: name -> (file, its text without comments)."""
    blocks = {}
    for path in sorted([*project_dir.glob("macros/**/*.sql"), *project_dir.glob("tests/dbt/generic/*.sql")]):
        for match in BLOCK.finditer(without_comments(path.read_text())):
            blocks[match.group(1)] = (str(path.relative_to(project_dir)), match.group(0))
    return blocks


def model_problems(project_dir: Path) -> list[str]:
    """'<file>: <why>' for each DuckDB-only construct of a model or singular test."""
    problems = []
    for path in sorted([*project_dir.glob("models/**/*.sql"), *project_dir.glob("tests/dbt/*.sql")]):
        text = path.read_text()
        if DUCKDB_ONLY_TAG.search(text):  # a test of DuckDB itself, excluded on other engines
            continue
        sql = without_comments(text)
        problems += [f"{path.relative_to(project_dir)}: {why}" for why in duckdb_only(sql)]
    return problems


# the keys of a YAML data test whose value is SQL: expression_is_true's expression, a
# test's where (a description is prose, and may well say "varchar" or "::")
SQL_KEYS = ("expression", "where")


def yaml_sql_problems(project_dir: Path) -> list[str]:
    """'<file>: <key> "<sql>": <why>' for each DuckDB-only construct in the SQL of a
    data test written in a model's YAML: dbt puts it into the test's query as it is."""
    problems = []
    for path in sorted(project_dir.glob("models/**/*.yml")):
        for key, sql in _sql_values(read_yaml(path)):
            problems += [f"{path.relative_to(project_dir)}: {key} \"{sql}\": {why}"
                         for why in duckdb_only(without_comments(sql))]
    return problems


def _sql_values(node) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        found = [(key, value) for key, value in node.items() if key in SQL_KEYS and isinstance(value, str)]
        return found + [pair for value in node.values() for pair in _sql_values(value)]
    if isinstance(node, list):
        return [pair for value in node for pair in _sql_values(value)]
    return []


def macro_problems(project_dir: Path) -> list[str]:
    """'<file>: <macro>: <why>' for each DuckDB-only construct of a macro that has no
    spark__ variant (a default__ macro with one may be DuckDB's own SQL)."""
    blocks = macro_blocks(project_dir)
    problems = []
    for name, (path, sql) in blocks.items():
        if ENGINE_VARIANT.match(name):
            continue
        if name.startswith("default__") and "spark__" + name.removeprefix("default__") in blocks:
            continue
        problems += [f"{path}: {name}: {why}" for why in duckdb_only(sql)]
    return problems
