"""Working Days (SEC: not a weekend, not an England and Wales bank holiday) and the
Requirement 4 deadline. The bank holidays come from the seed `uk_bank_holidays.csv`,
which the Operations Group can read and amend; `pmr holidays` regenerates it from the
`holidays` package."""

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

from pmr import PROJECT_DIR

HOLIDAY_SEED = PROJECT_DIR / "seeds" / "uk_bank_holidays.csv"
UK = "Europe/London"
DEADLINE_WORKING_DAYS = 10


@lru_cache(maxsize=4)
def bank_holidays(seed: Path = HOLIDAY_SEED) -> frozenset[dt.date]:
    with open(seed, newline="") as handle:
        return frozenset(dt.date.fromisoformat(row["holiday_date"]) for row in csv.DictReader(handle))


def is_working_day(day: dt.date, holidays: frozenset[dt.date] | None = None) -> bool:
    holidays = bank_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, n: int, holidays: frozenset[dt.date] | None = None) -> dt.date:
    """Step forward n Working Days from `day` (the day itself never counts)."""
    current, remaining = day, n
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, holidays: frozenset[dt.date] | None = None) -> int:
    """Working Days in (start, end]: how many Working Days after `start` `end` falls."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_working_day(current, holidays)
    return count


def parse_month(month: str) -> tuple[dt.date, dt.date]:
    """'YYYY-MM' -> (first day, last day). Raises ValueError with a clear message."""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month must look like YYYY-MM, got {month!r}") from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def deadline(month: str) -> dt.date:
    """The PMR for `month` is due by the end of the 10th Working Day after it ends."""
    _, last = parse_month(month)
    return add_working_days(last, DEADLINE_WORKING_DAYS)


def write_holiday_seed(first_year: int, last_year: int, seed: Path = HOLIDAY_SEED) -> int:
    import holidays as holidays_package

    calendar = holidays_package.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    rows = sorted(calendar.items())
    with open(seed, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["holiday_date", "holiday_name", "source"])
        for day, name in rows:
            writer.writerow([day.isoformat(), name, "holidays package, GB subdivision ENG"])
    bank_holidays.cache_clear()
    return len(rows)
