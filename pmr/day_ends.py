"""Days whose extract stops early or starts late: the first or last hours of a UK day
nearly empty where the month's other days have rows.

A day's file cut short (a transfer that stopped, an export that ran before the day
ended) still holds most of the day's rows, so it passes the every-day check
(pmr.landing_reach: a tenth of the median day); what gives it away is where the rows
stop. For each source of PERIOD_SOURCES and each UK day of the month with data, the
last k hours of the day (k = 1, 2, ...) are compared with the median of the same
last k hours over the month's days with data: fewer than LEAST_SHARE_OF_MEDIAN_DAY of
it, where that median is at least ENOUGH_ROWS (so chance cannot empty them), and the
day is cut short after its end minus the largest such k. The same for the first hours.
An outage of the whole DCC for those hours looks the same, so the gate only warns.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import duckdb

from pmr.calendar import parse_month, period_bounds_utc, uk_day_start_utc
from pmr.landing_reach import LEAST_SHARE_OF_MEDIAN_DAY, PERIOD_SOURCES, least_rows_of_a_day

# Rows the month's median day has in the hours compared, at least, before their absence
# on a day says anything: a Poisson count of mean 20 is 0 once in 500 million.
ENOUGH_ROWS = 20
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ShortDay:
    day: dt.date
    empty_from: dt.datetime | None  # naive UTC: nearly no rows from here to the day's end
    empty_until: dt.datetime | None  # naive UTC: nearly no rows from the day's start to here

    def describe(self) -> str:
        parts = []
        if self.empty_until is not None:
            parts.append(f"none before {_uk_clock(self.empty_until)}")
        if self.empty_from is not None:
            parts.append(f"none from {_uk_clock(self.empty_from)}")
        return f"{self.day} ({' and '.join(parts)})"


def _uk_clock(moment: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")


def hours_by_uk_day(con: duckdb.DuckDBPyConnection, source: str, column: str, month: str) -> dict[dt.date, list[int]]:
    """The accepted rows of staging.stg_<source> in each hour of each UK day of `month`,
    by `column`: a list of 23, 24 or 25 counts per day, in time order."""
    start, end = period_bounds_utc(month)
    counts = dict(con.execute(
        f"select date_trunc('hour', {column}), count(*) from staging.stg_{source} "
        f"where {column} >= $start and {column} < $end group by 1",
        {"start": start, "end": end},
    ).fetchall())
    first, last = parse_month(month)
    days = {}
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        day_start, day_end = uk_day_start_utc(day), uk_day_start_utc(day + dt.timedelta(days=1))
        hours = int((day_end - day_start) / HOUR)
        days[day] = [counts.get(day_start + n * HOUR, 0) for n in range(hours)]
    return days


def _longest_nearly_empty_run(day_hours: list[int], others: list[list[int]]) -> int:
    """The largest k for which the first k hours of `day_hours` hold fewer than
    LEAST_SHARE_OF_MEDIAN_DAY of the median of the same k hours of `others`, that median
    being at least ENOUGH_ROWS, and the k-th hour is itself nearly empty (so the run
    ends where the rows start again, not in the quiet hours after them); 0 when there
    is none."""
    def nearly_empty(rows: int, usual: float) -> bool:
        return rows == 0 or rows < LEAST_SHARE_OF_MEDIAN_DAY * usual

    longest = 0
    for k in range(1, len(day_hours)):
        usual = statistics.median(sum(hours[:k]) for hours in others)
        usual_hour = statistics.median(hours[k - 1] for hours in others)
        if usual >= ENOUGH_ROWS and nearly_empty(sum(day_hours[:k]), usual) \
                and nearly_empty(day_hours[k - 1], usual_hour):
            longest = k
    return longest


def short_days(hours: dict[dt.date, list[int]]) -> list[ShortDay]:
    """The days of `hours` (hours_by_uk_day) with data whose first or last hours are
    nearly empty against the month's other days with data."""
    least = least_rows_of_a_day({day: sum(counts) for day, counts in hours.items()})
    with_data = {day: counts for day, counts in hours.items() if sum(counts) >= least}
    found = []
    for day, counts in with_data.items():
        late_start = _longest_nearly_empty_run(counts, list(with_data.values()))
        early_end = _longest_nearly_empty_run(counts[::-1], [c[::-1] for c in with_data.values()])
        if late_start or early_end:
            day_start = uk_day_start_utc(day)
            day_end = uk_day_start_utc(day + dt.timedelta(days=1))
            found.append(ShortDay(day, day_end - early_end * HOUR if early_end else None,
                                  day_start + late_start * HOUR if late_start else None))
    return found


def short_days_by_source(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, list[ShortDay]]:
    return {source: short_days(hours_by_uk_day(con, source, column, month))
            for source, column in PERIOD_SOURCES.items()}

