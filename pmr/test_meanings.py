"""What a failed dbt generic test means, in words, for a test whose YAML gives no
`description`: dbt says only "Got 1 result, configured to fail if != 0". An analyst who
edited a seed reads which file and column broke which rule, and how to find the rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)")


@dataclass(frozen=True)
class TestMeaning:
    meaning: str
    rows_sql: str | None = None  # a query of the warehouse that returns the rows at fault

    def __str__(self) -> str:
        return self.meaning + (f' (the rows: pmr sql "{self.rows_sql}")' if self.rows_sql else "")


def generic_test_meaning(test: dict, nodes: dict) -> TestMeaning | None:
    """The meaning of the generic test node `test` of a dbt manifest (`nodes`: the
    manifest's nodes), or None for a test of another kind."""
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    attached = nodes.get(test.get("attached_node") or "")
    if not attached:
        return None
    relation = f"{attached['schema']}.{attached.get('alias') or attached['name']}"
    where = f"seeds/{attached['name']}.csv" if attached["resource_type"] == "seed" else relation
    column = kwargs.get("column_name")
    name = metadata.get("name")
    if name == "unique" and column:
        return TestMeaning(f"{where}: a value of {column} appears more than once",
                           f"select {column}, count(*) from {relation} group by all having count(*) > 1")
    if name == "not_null" and column:
        return TestMeaning(f"{where}: {column} is empty in some row", f"select * from {relation} where {column} is null")
    if name == "accepted_values" and column:
        values = ", ".join(str(v) for v in kwargs.get("values") or [])
        return TestMeaning(f"{where}: {column} holds a value that is not one of {values}")
    if name == "relationships" and column:
        target = _REF.search(str(kwargs.get("to", "")))
        other = target.group(1) if target else kwargs.get("to")
        return TestMeaning(f"{where}: a value of {column} is not a {kwargs.get('field')} of {other}")
    if name == "expression_is_true" and kwargs.get("expression"):
        expression = kwargs["expression"]
        return TestMeaning(f"{where}: some rows break the rule {expression}",
                           f"select * from {relation} where not ({expression})")
    if name == "unique_combination_of_columns":
        columns = ", ".join(kwargs.get("combination_of_columns") or [])
        return TestMeaning(f"{where}: the same ({columns}) appears more than once",
                           f"select {columns}, count(*) from {relation} group by all having count(*) > 1")
    return None
