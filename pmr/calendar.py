"""Working Days (SEC: not a weekend, not an England and Wales bank holiday) and the
Requirement 4 deadline. The bank holidays come from the seed `uk_bank_holidays.csv`,
which the Operations Group can read and amend; `pmr holidays` regenerates it from the
`holidays` package."""

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from pmr import PROJECT_DIR
from pmr.seed_checks import value_is_of_type

HOLIDAY_SEED = PROJECT_DIR / "seeds" / "uk_bank_holidays.csv"
UK = "Europe/London"
DEADLINE_WORKING_DAYS = 10
# Landing timestamps are accepted from 2000 to 2045 (typed_value in
# macros/landing_rows.sql); the calendar adds 2046, where Working-Day deadlines from
# late 2045 fall. util_uk_days and utc_to_uk are written for these years only.
FIRST_REPORTABLE_YEAR, LAST_REPORTABLE_YEAR = 2000, 2045
FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR = FIRST_REPORTABLE_YEAR, LAST_REPORTABLE_YEAR + 1


@lru_cache(maxsize=4)
def bank_holidays(seed: Path = HOLIDAY_SEED) -> frozenset[dt.date]:
    """The days of `seed`; ValueError naming the line of a day not written YYYY-MM-DD (a
    spreadsheet's 25/12/2026), which would otherwise be a bare "Invalid isoformat string"
    from `pmr deadline` and `pmr run`."""
    days = []
    with open(seed, newline="") as handle:
        rows = csv.DictReader(handle)
        for row in rows:
            text = row.get("holiday_date") or ""
            if not text or not value_is_of_type(text, "date"):
                raise ValueError(f"seeds/{seed.name} line {rows.line_num}: holiday_date {text!r} is not a date "
                                 "written YYYY-MM-DD")
            days.append(dt.date.fromisoformat(text))
    return frozenset(days)


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
    """'YYYY-MM' -> (first day, last day). Raises ValueError with a clear message.
    Exactly four and two digits: the text is the period's name in every output."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):
            raise ValueError
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"not a month: {month!r} (expected YYYY-MM, month 01-12)") from None
    if first.year == dt.MAXYEAR and first.month == 12:  # its end is past the last date Python holds
        raise ValueError(f"{month} is outside the calendar")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def check_reportable(month: str) -> tuple[dt.date, dt.date]:
    """parse_month, and ValueError for a month outside the years a landing timestamp may
    take: no row of it could be accepted."""
    first, last = parse_month(month)
    if not FIRST_REPORTABLE_YEAR <= first.year <= LAST_REPORTABLE_YEAR:
        raise ValueError(
            f"{month} is outside {FIRST_REPORTABLE_YEAR}-01 to {LAST_REPORTABLE_YEAR}-12, the months a landing "
            f"timestamp may fall in (others are quarantined as out of range)"
        )
    return first, last


def deadline(month: str) -> dt.date:
    """The PMR for `month` is due by the end of the 10th Working Day after it ends.
    Raises ValueError for a month outside the years landing timestamps may take, or
    when the bank-holiday seed does not cover the days counted."""
    _, last = check_reportable(month)
    due = add_working_days(last, DEADLINE_WORKING_DAYS)
    check_holidays_cover(last, due)
    return due


def check_holidays_cover(first: dt.date, last: dt.date, seed: Path = HOLIDAY_SEED) -> None:
    """Working Days counted past the seed's years would silently skip no holiday."""
    years = {day.year for day in bank_holidays(seed)}
    if not years or first.year < min(years) or last.year > max(years):
        covered = f"{min(years)}-{max(years)}" if years else "no year"
        raise ValueError(
            f"the bank-holiday seed {seed.name} covers {covered}, not {first.year}-{last.year}: "
            f"extend it with `pmr holidays {_extension(years, first, last)}` and review the diff"
        )


def working_days_phrase(count: int) -> str:
    """'1 Working Day', '3 Working Days'."""
    return f"{count} Working Day" + ("" if count == 1 else "s")


def _extension(years: set[int], first: dt.date, last: dt.date) -> str:
    """The `pmr holidays` options that make the seed cover `first` to `last`."""
    low = min([first.year, *years]) if years else first.year
    high = max([min(last.year + 5, LAST_CALENDAR_YEAR), *years]) if years else LAST_CALENDAR_YEAR
    return f"--first-year {low} --last-year {high}"


def month_has_ended(month: str, now: dt.datetime) -> bool:
    """True once the UK calendar month is over at `now` (a naive datetime is UTC)."""
    _, end = period_bounds_utc(month)
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return now >= end


def write_holiday_seed(first_year: int, last_year: int, seed: Path = HOLIDAY_SEED) -> int:
    if first_year > last_year:
        raise ValueError(f"first year {first_year} is after last year {last_year}; the seed is left as it was")
    if first_year < FIRST_CALENDAR_YEAR or last_year > LAST_CALENDAR_YEAR:
        raise ValueError(
            f"the calendar spans {FIRST_CALENDAR_YEAR}-{LAST_CALENDAR_YEAR} (landing timestamps are accepted from "
            f"{FIRST_REPORTABLE_YEAR} to {LAST_REPORTABLE_YEAR}, and deadlines may fall in the year after), "
            f"not {first_year}-{last_year}; the seed is left as it was"
        )
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


# --- Publication timeliness and scheduling helpers (Requirement 4, orchestration) ---

def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(day: dt.date) -> str:
    """The month before the one `day` falls in, 'YYYY-MM'."""
    return month_of(day.replace(day=1) - dt.timedelta(days=1))


def first_working_day_after(month: str, holidays: frozenset[dt.date] | None = None) -> dt.date:
    """The first Working Day after `month` ends: the day its report can first be built."""
    _, last = parse_month(month)
    return add_working_days(last, 1, holidays)


def is_first_working_day_of_month(day: dt.date, holidays: frozenset[dt.date] | None = None) -> bool:
    """True when `day` is the first Working Day after the previous month ended."""
    return day == first_working_day_after(previous_month(day), holidays)


def uk_date(moment: dt.datetime) -> dt.date:
    """The UK local date of an instant (a naive datetime is taken as UTC)."""
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(UK)).date()


def deadline_end_utc(month: str) -> dt.datetime:
    """The instant the report for `month` becomes late: the end of its deadline day, UK time."""
    from zoneinfo import ZoneInfo

    after = deadline(month) + dt.timedelta(days=1)
    return dt.datetime(after.year, after.month, after.day, tzinfo=ZoneInfo(UK)).astimezone(dt.timezone.utc)


def publication_timeliness(month: str, published_at: dt.datetime) -> dict:
    """Requirement 4 for a report published at `published_at` (a naive datetime is
    taken as UTC): its deadline, the UK date it was published, how many Working Days
    after the period ended that is (0 when published on or before the last day of the
    period, as a rerun can be), and whether it met the deadline."""
    _, last = parse_month(month)
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=dt.timezone.utc)
    published_day = uk_date(published_at)
    due = deadline(month)
    return {
        "month": month,
        "deadline": due.isoformat(),
        "published_at": published_at.astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
        "published_uk_date": published_day.isoformat(),
        "working_days_after_period_end": working_days_between(last, published_day),
        "working_days_allowed": DEADLINE_WORKING_DAYS,
        "on_time": published_day <= due,
    }


def uk_day_start_utc(day: dt.date) -> dt.datetime:
    """The instant a UK day starts, as a naive UTC datetime."""
    from zoneinfo import ZoneInfo

    local = dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(UK))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def period_bounds_utc(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The reporting period as naive UTC datetimes, half-open [start, end): the UK
    calendar month (metrics.md §1). Same bounds as macros/period_bounds.sql."""
    first, last = parse_month(month)
    return uk_day_start_utc(first), uk_day_start_utc(last + dt.timedelta(days=1))
