"""Days whose extract stops early or starts late: the first or last hours of a UK day
nearly empty where the month's other days of its type have rows.

A day's file cut short (a transfer that stopped, an export that ran before the day
ended) still holds most of the day's rows, so it passes the every-day check
(pmr.landing_reach: a tenth of the median day); what gives it away is where the rows
stop. For each source of PERIOD_SOURCES and each UK day of the month with data, the
last k hours of the day (k = 1, 2, ...) are compared with the median of the same
last k hours over the month's days with data of the same type (Working Days, or
weekends and bank holidays, whose night and morning traffic differ; all days when a
type has fewer than SAME_TYPE_DAYS): fewer than LEAST_SHARE_OF_MEDIAN_DAY of it, where
that median is at least ENOUGH_ROWS (so chance cannot empty them), and the day is cut
short after its end minus the largest such k. The same for the first hours; on the
25-hour day, whose first hours after the repeated one run an hour behind the clock,
against the lower of the two alignments (as the inferred outages do), so traffic that
follows the clock is not taken for a late start. An outage of the whole DCC for those
hours looks the same, so the gate only warns.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import duckdb

from pmr.calendar import bank_holidays, is_working_day, parse_month, period_bounds_utc, uk_day_start_utc
from pmr.landing_reach import LEAST_SHARE_OF_MEDIAN_DAY, PERIOD_SOURCES, least_rows_of_a_day

# Rows the month's median day has in the hours compared, at least, before their absence
# on a day says anything: a Poisson count of mean 20 is 0 once in 500 million.
ENOUGH_ROWS = 20
# Days of a type (Working Days, other days) a month needs before a day is compared with
# its own type only: a month has 8 to 11 weekend days and bank holidays.
SAME_TYPE_DAYS = 4
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
    """'14:00 BST': with the zone, as 01:00 comes twice on the 25-hour day."""
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Europe/London")).strftime("%H:%M %Z")


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


def _longest_nearly_empty_run(day_hours: list[int], others: list[list[int]], lag: int = 0) -> int:
    """The largest k for which the first k hours of `day_hours` hold fewer than
    LEAST_SHARE_OF_MEDIAN_DAY of the median of the same k hours of `others`, that median
    being at least ENOUGH_ROWS, and the k-th hour is itself nearly empty (so the run
    ends where the rows start again, not in the quiet hours after them); 0 when there
    is none. With `lag`, the day's hours also read as `lag` hours behind the others'
    (the 25-hour day after its repeated hour), and the lower median of the two is used."""
    def usual(rows_of) -> float:
        return statistics.median(rows_of(hours) for hours in others)

    def nearly_empty(rows: int, usual_rows: float) -> bool:
        return rows == 0 or rows < LEAST_SHARE_OF_MEDIAN_DAY * usual_rows

    longest = 0
    for k in range(1, len(day_hours)):
        run = usual(lambda hours: sum(hours[:k]))
        hour = usual(lambda hours: hours[k - 1] if k - 1 < len(hours) else 0)
        if lag and k > lag:
            run = min(run, usual(lambda hours: sum(hours[:k - lag])))
            hour = min(hour, usual(lambda hours: hours[k - 1 - lag]))
        if run >= ENOUGH_ROWS and nearly_empty(sum(day_hours[:k]), run) and nearly_empty(day_hours[k - 1], hour):
            longest = k
    return longest


def short_days(hours: dict[dt.date, list[int]], holidays: frozenset[dt.date] | None = None) -> list[ShortDay]:
    """The days of `hours` (hours_by_uk_day) with data whose first or last hours are
    nearly empty against the month's other days with data of the same type."""
    holidays = bank_holidays() if holidays is None else holidays
    least = least_rows_of_a_day({day: sum(counts) for day, counts in hours.items()})
    with_data = {day: counts for day, counts in hours.items() if sum(counts) >= least}
    usual_length = statistics.median(len(counts) for counts in hours.values())
    working = {day: is_working_day(day, holidays) for day in with_data}
    found = []
    for day, counts in with_data.items():
        same_type = [c for other, c in with_data.items() if working[other] == working[day]]
        others = same_type if len(same_type) >= SAME_TYPE_DAYS else list(with_data.values())
        late_start = _longest_nearly_empty_run(counts, others, lag=max(0, int(len(counts) - usual_length)))
        early_end = _longest_nearly_empty_run(counts[::-1], [c[::-1] for c in others])
        if late_start or early_end:
            day_start = uk_day_start_utc(day)
            day_end = uk_day_start_utc(day + dt.timedelta(days=1))
            found.append(ShortDay(day, day_end - early_end * HOUR if early_end else None,
                                  day_start + late_start * HOUR if late_start else None))
    return found


def hours_by_source(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, dict[dt.date, list[int]]]:
    """hours_by_uk_day of each source of PERIOD_SOURCES."""
    return {source: hours_by_uk_day(con, source, column, month) for source, column in PERIOD_SOURCES.items()}
