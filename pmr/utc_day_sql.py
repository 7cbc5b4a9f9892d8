"""Figures are by UK day and UK month (metrics.md: "UK local time"), and the staged
timestamps are naive UTC, named `*_at` or `*_utc`. Casting one to a date, or taking
its day, hour or month, gives the UTC one: from the last Sunday of March to the last
Sunday of October every row of 23:00-24:00 UTC would count on the day before its UK
day, and in the wrong time band. Nothing downstream sees why (the day is still a day
of the month, or the gate refuses the month's first hour as a day outside it), so a
model that does so is refused with the declarations, before anything is read or
built (`pmr check`, `pmr run`, the Dagster job). The UK date is
`{{ uk_date('received_at') }}`, or a `*_day_uk` column such as `received_day_uk`."""

from __future__ import annotations

import re
from pathlib import Path

from pmr.portability import without_comments, without_jinja_comments

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


def _found(text: str) -> list[str]:
    with_literals = re.sub(r"--[^\n]*|/\*.*?\*/", " ", without_jinja_comments(text), flags=re.S)
    matches = [*SQL_UTC_CALENDAR.finditer(without_comments(text)), *UNIT_UTC_CALENDAR.finditer(with_literals)]
    return sorted({re.sub(r"\s+", " ", match.group(0)) for match in matches})


def utc_calendar_problem(project_dir: Path) -> str | None:
    """Where a model takes the UTC date, day, hour or month of a naive UTC timestamp
    ('<file>: <construct>'; comments left out), or None."""
    problems = []
    for path in sorted(Path(project_dir).glob("models/**/*.sql")):
        problems += [f"{path.relative_to(project_dir)}: {found}" for found in _found(path.read_text())]
    if not problems:
        return None
    return ("SQL that takes the UTC date, day, hour or month of a UTC timestamp, where the figures are by UK day and "
            "month (in summer time a row of 23:00-24:00 UTC would count on the day before its UK day): "
            + "; ".join(problems) + " (the UK date is {{ uk_date('received_at') }}, or a *_day_uk column such as "
            "received_day_uk of fct_service_requests; the UK time {{ utc_to_uk('received_at') }})")
