"""What a failed dbt generic test means, in words, for a test whose YAML gives no
`description`: dbt says only "Got 1 result, configured to fail if != 0". An analyst who
edited a seed reads which file and column broke which rule, and how to find the rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)")


@dataclass(frozen=True)
class WordedTest:
    meaning: str
    rows_sql: str | None = None  # a query of the warehouse that returns the rows at fault

    def __str__(self) -> str:
        # --live: a build stopped by a test leaves the reading copy as the last run made it
        return self.meaning + (f' (the rows: pmr sql --live "{self.rows_sql}")' if self.rows_sql else "")


def _sql_literal(value) -> str:
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else \
        "'" + str(value).replace("'", "''") + "'"


def generic_test_meaning(test: dict, nodes: dict) -> WordedTest | None:
    """The meaning of the generic test node `test` of a dbt manifest (`nodes`: the
    manifest's nodes), or None for a test of another kind."""
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    attached = nodes.get(test.get("attached_node") or "")
    if not attached:
        return None
    relation = f"{attached['schema']}.{attached.get('alias') or attached['name']}"
    where = f"seeds/{attached['name']}.csv" if attached["resource_type"] == "seed" else relation
    # a test of some rows only (config where:) is about those rows, and so is its query
    among = (test.get("config") or {}).get("where")
    if among:
        where += f" (rows where {among})"
        relation = f"(select * from {relation} where {among}) as tested"
    column = kwargs.get("column_name")
    name = metadata.get("name")
    if name == "unique" and column:
        return WordedTest(f"{where}: a value of {column} appears more than once",
                           f"select {column}, count(*) as times from {relation} group by all having count(*) > 1")
    if name == "not_null" and column:
        return WordedTest(f"{where}: {column} is empty in some row", f"select * from {relation} where {column} is null")
    if name == "not_null_columns" and kwargs.get("columns"):
        columns = list(kwargs["columns"])
        empty = " union all ".join(f"select '{c}' as column_name from {relation} where {c} is null" for c in columns)
        return WordedTest(f"{where}: a column that must have a value ({', '.join(columns)}) is empty in some row",
                          f"select column_name, count(*) as rows_without_a_value from ({empty}) as empty group by all")
    if name == "accepted_values" and column:
        values = kwargs.get("values") or []
        listed = ", ".join(_sql_literal(v) for v in values)
        return WordedTest(f"{where}: {column} holds a value that is not one of {', '.join(str(v) for v in values)}",
                          f"select {column}, count(*) as times from {relation} where {column} not in ({listed}) group by all")
    if name == "relationships" and column:
        target = _REF.search(str(kwargs.get("to", "")))
        other = target.group(1) if target else kwargs.get("to")
        field = kwargs.get("field")
        parent = next((n for n in nodes.values() if n.get("name") == other and n.get("resource_type") in
                       ("model", "seed")), None)
        rows_sql = (f"select {column}, count(*) as times from {relation} where {column} is not null and {column} not in "
                    f"(select {field} from {parent['schema']}.{parent.get('alias') or parent['name']}) group by all"
                    if parent else None)
        return WordedTest(f"{where}: a value of {column} is not a {field} of {other}", rows_sql)
    if name == "expression_is_true" and kwargs.get("expression"):
        expression = kwargs["expression"]
        return WordedTest(f"{where}: some rows break the rule {expression}",
                           f"select * from {relation} where not ({expression})")
    if name == "unique_combination_of_columns":
        columns = ", ".join(kwargs.get("combination_of_columns") or [])
        return WordedTest(f"{where}: the same ({columns}) appears more than once",
                           f"select {columns}, count(*) as times from {relation} group by all having count(*) > 1")
    return None
