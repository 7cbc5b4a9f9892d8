"""Rules on the SQL text of the models, which no check of the built figures could
enforce, checked with the metric declarations before anything is read or built
(`pmr check`, `pmr run`, the Dagster job). Each finds constructs by file, with SQL
comments left out, and says what to write instead.

- No clock or chance (models and macros). The same landing and definitions give the
  same metrics.csv, byte for byte (README): a model or macro reading the clock or
  drawing a random value would publish other figures on every re-run.
- No UTC day. Figures are by UK day and UK month (metrics.md: "UK local time"), and
  the staged timestamps are naive UTC, named `*_at` or `*_utc`. Casting one to a date,
  or taking its day, hour or month, gives the UTC one: from the last Sunday of March
  to the last Sunday of October a row of 23:00-24:00 UTC would count on the day before
  its UK day, and in the wrong time band, and nothing downstream sees why (the day is
  still a day of the month, or the gate refuses the month's first hour as a day
  outside it).
- No date of a year a period can be in (2001-2045) written into a model. The period's
  bounds come from the `period` var, so such a date in the SQL pins the figures to one
  month whatever month is built, and a monthly figure has no day for the gate to
  check (docs/adding-a-metric.md, "Only the reporting period"); the test of every
  metric model's period (tests/test_generated_landing.py) builds one month only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

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

UTC_COLUMN = r"(?:\w+\.)?\w+_(?:at|utc)\b"
CALENDAR_PART = r"day|dow|isodow|dayofweek|dayofmonth|dayofyear|doy|week|hour|month|year|quarter"
SQL_UTC_CALENDAR = re.compile(
    rf"\bcast\s*\(\s*{UTC_COLUMN}\s+as\s+date\s*\)"
    rf"|{UTC_COLUMN}\s*::\s*date\b"
    rf"|(?<![.\w])(?:to_date|date)\s*\(\s*{UTC_COLUMN}\s*\)"
    rf"|\bextract\s*\(\s*(?:{CALENDAR_PART})\s+from\s+{UTC_COLUMN}\s*\)"
    rf"|(?<![.\w])(?:hour|day|dayofweek|dayofmonth|dayofyear|weekday|isodow|month)\s*\(\s*{UTC_COLUMN}\s*\)",
    re.I,
)
# The unit of date_trunc and date_part is a string literal (and both arguments are, in
# dbt's cross-database macro): read where the literals are kept
UNIT_UTC_CALENDAR = re.compile(
    rf"""\bdate_trunc\s*\(\s*['"](?:day|week|month|quarter|year)['"]\s*,\s*['"]?{UTC_COLUMN}['"]?\s*\)?"""
    rf"""|\bdate_part\s*\(\s*'(?:{CALENDAR_PART})'\s*,\s*{UTC_COLUMN}\s*\)""", re.I)

# a date or a month in quotes, with a time or not ('2026-10-01', "2026-10", '2026-10-01
# 00:00:00'), of a year a reporting period can be in: 2000-01-01 is an epoch (bucket
# numbers) and the calendar spines' start, 2047-01-01 their end, neither a period's bound
DATE_LITERAL = re.compile(r"""(['"])20(?:0[1-9]|[1-3]\d|4[0-5])-[01]\d(?:-[0-3]\d(?:[ T][\d:.]+)?)?\1""")


def _clock_or_chance(text: str) -> list[str]:
    """In the SQL with its string literals left out, and in what Jinja renders (a literal too)."""
    jinja = " ".join(JINJA_BLOCK.findall(without_jinja_comments(text)))
    matches = [*SQL_CLOCK_OR_CHANCE.finditer(without_comments(text)), *JINJA_CLOCK_OR_CHANCE.finditer(jinja)]
    return [re.sub(r"\s*\($", "()", match.group(0)).lower() for match in matches]


def _utc_calendar(text: str) -> list[str]:
    matches = [*SQL_UTC_CALENDAR.finditer(without_comments(text)),
               *UNIT_UTC_CALENDAR.finditer(without_comments(text, keep_literals=True))]
    return [re.sub(r"\s+", " ", match.group(0)) for match in matches]


def _dates(text: str) -> list[str]:
    """The quoted dates themselves: comments left out, string literals kept."""
    return [match.group(0) for match in DATE_LITERAL.finditer(without_comments(text, keep_literals=True))]


def _found(project_dir: Path, folders: tuple[str, ...], finder: Callable[[str], list[str]]) -> str:
    """'<file>: <construct>; ...' for every construct `finder` finds in the SQL files of
    `folders`, or ''."""
    paths = sorted(path for folder in folders for path in project_dir.glob(f"{folder}/**/*.sql"))
    return "; ".join(f"{path.relative_to(project_dir)}: {found}"
                     for path in paths for found in sorted(set(finder(path.read_text()))))


# (folders, finder, what the problem is and what to write instead: {found} is where)
RULES = (
    (("models", "macros"), _clock_or_chance,
     "SQL that reads the clock or draws a random value, so that a run of the same month again would publish other "
     "figures: {found} (the period's bounds come from var('period'): in_period, period_start_utc, "
     "period_day_offset)"),
    (("models",), _utc_calendar,
     "SQL that takes the UTC date, day, hour or month of a UTC timestamp, where the figures are by UK day and month "
     "(in summer time a row of 23:00-24:00 UTC would count on the day before its UK day): {found} (the UK date is "
     "{{{{ uk_date('received_at') }}}}, or a *_day_uk column such as received_day_uk of fct_service_requests; the UK "
     "time {{{{ utc_to_uk('received_at') }}}})"),
    (("models",), _dates,
     "a date written into a model's SQL pins its figures to one period whatever month is built (a later month would "
     "publish that period's figures, or none, under its own): {found} (the period's bounds are "
     "{{{{ period_first_day() }}}} and {{{{ period_next_first_day() }}}} for a UK date, "
     "{{{{ in_period('received_at') }}}} for a UTC timestamp; a date that belongs to a definition goes in a reference "
     "table in seeds/)"),
)


def sql_rule_problems(project_dir: Path) -> list[str]:
    """What each rule (module docstring) finds in the project's SQL files, in that order."""
    problems = []
    for folders, finder, problem in RULES:
        found = _found(Path(project_dir), folders, finder)
        if found:
            problems.append(problem.format(found=found))
    return problems
