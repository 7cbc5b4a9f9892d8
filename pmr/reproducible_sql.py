"""The same landing and definitions give the same metrics.csv, byte for byte (README):
so no model or macro may read the clock or draw a random value, or a re-run of a
month would publish other figures than the first run. A period's bounds come from
the `period` var (in_period, period_start_utc). Checked with the metric declarations,
before anything is read or built (`pmr check`, `pmr run`, the Dagster job)."""

from __future__ import annotations

import re
from pathlib import Path

from pmr.portability import without_comments, without_jinja_comments

# DuckDB's and Spark's names for the clock and for chance: functions, and the keywords
# that need no parentheses
SQL_CLOCK_OR_CHANCE = re.compile(
    r"(?<![.\w])(now|today|get_current_timestamp|transaction_timestamp|random|rand|randn|uuid|gen_random_uuid|"
    r"setseed)\s*\("
    r"|(?<![.\w])(current_timestamp|current_date|current_time|localtimestamp|localtime)\b",
    re.I,
)
# dbt's and Python's, which Jinja renders when the build runs (inside a SQL string too)
JINJA_CLOCK_OR_CHANCE = re.compile(r"\.(now|utcnow|today)\s*\(|\b(run_started_at|invocation_id|modules\.time|"
                                   r"modules\.random)\b")
JINJA_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _found(path: Path) -> list[str]:
    text = path.read_text()
    jinja = " ".join(JINJA_BLOCK.findall(without_jinja_comments(text)))
    matches = [*SQL_CLOCK_OR_CHANCE.finditer(without_comments(text)), *JINJA_CLOCK_OR_CHANCE.finditer(jinja)]
    return sorted({re.sub(r"\s*\($", "()", match.group(0)).lower() for match in matches})


def clock_or_chance_problem(project_dir: Path) -> str | None:
    """What reads the clock or chance in a model or macro ('<file>: <construct>'; SQL
    comments and string literals left out, but not what Jinja renders in them), or None."""
    problems = []
    for path in sorted([*Path(project_dir).glob("models/**/*.sql"), *Path(project_dir).glob("macros/**/*.sql")]):
        problems += [f"{path.relative_to(project_dir)}: {name}" for name in _found(path)]
    if not problems:
        return None
    return ("SQL that reads the clock or draws a random value, so that a run of the same month again would publish "
            "other figures: " + "; ".join(problems) + " (the period's bounds come from var('period'): in_period, "
            "period_start_utc, period_day_offset)")
