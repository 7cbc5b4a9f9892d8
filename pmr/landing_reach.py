"""How far past a month the landing reaches, and so which of the month's figures are
still provisional (docs/metrics.md, "Provisional figures").

A metric id whose YAML declares a follow-up window (`follow_up`: it looks for a final
response, a correcting request or a verification alert after the month) is final once
the landing holds every UK day up to the month's end plus that window. The rule is
applied once, when the month's figures are collected (write_metric_status): the
publication gate's follow-up check and the report's notices read the table it writes,
metrics.metric_status, so they cannot disagree and describe the figures as built.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from pmr.calendar import period_bounds_utc, uk_date, uk_day_start_utc
from pmr.metric_tables import CATALOGUE, STATUS

# The sources every month's figures stand on, and the timestamp that puts a row in a period.
PERIOD_SOURCES = {"service_requests": "received_at", "service_responses": "response_at", "alerts": "received_at"}


def uk_days_with_rows(con: duckdb.DuckDBPyConnection, source: str, column: str, start: dt.datetime,
                      end: dt.datetime | None = None) -> set[dt.date]:
    """The UK days on which staging.stg_<source> has accepted rows with `column` in
    [start, end) (naive UTC; no end: onwards)."""
    before = f" and {column} < $end" if end is not None else ""
    # a UK day starts on a whole UTC hour, so the hours with rows give the days with rows
    hours = con.execute(
        f"select distinct date_trunc('hour', {column}) from staging.stg_{source} "
        f"where {column} >= $start{before}",
        {"start": start, **({"end": end} if end is not None else {})},
    ).fetchall()
    return {uk_date(hour.replace(tzinfo=dt.timezone.utc)) for (hour,) in hours}


def landed_through(con: duckdb.DuckDBPyConnection, month: str, now: dt.datetime | None = None) -> dt.datetime:
    """How far past the month the landing reaches, as a naive UTC instant: the end of
    the last UK day of the unbroken run of days after the month on which requests,
    responses and alerts all have accepted rows (a day with rows is a day whose extract
    landed, as for the month's own days). A day without data stops the run, so data
    of later days does not count past a gap; the month's end when the first day after
    it has none. So does a day that has not ended by `now` (default: the clock): its
    extract cannot be whole, however many rows it has (rows dated ahead of the clock
    made figures final before their window had passed)."""
    _, end = period_bounds_utc(month)
    first = uk_date(end)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(tzinfo=None)
    reach = None
    for source, column in PERIOD_SOURCES.items():
        days = uk_days_with_rows(con, source, column, end)
        day = first
        while day in days and uk_day_start_utc(day + dt.timedelta(days=1)) <= now:
            day += dt.timedelta(days=1)
        source_reach = uk_day_start_utc(day)
        reach = source_reach if reach is None else min(reach, source_reach)
    return reach or end


def write_metric_status(con: duckdb.DuckDBPyConnection, month: str) -> None:
    """(Re)build metrics.metric_status: one row per metric id of the catalogue, with the
    month, its follow-up window (follow_up_s, null when it looks at the month only), the
    instant (naive UTC) the landing must reach for its figures to be final, the instant
    it reaches now, and whether its figures are provisional (the landing does not reach
    that far yet)."""
    _, end = period_bounds_utc(month)
    con.execute(
        f"""
        create or replace table {STATUS} as
        select
            metric_id,
            $month as period,
            follow_up_s,
            case when follow_up_s > 0 then $end::timestamp + to_seconds(follow_up_s) end as needed_through_utc,
            $landed::timestamp as landed_through_utc,
            coalesce(follow_up_s > 0 and $landed::timestamp < $end::timestamp + to_seconds(follow_up_s), false)
                as is_provisional
        from {CATALOGUE}
        order by metric_id
        """,
        {"month": month, "end": end, "landed": landed_through(con, month)},
    )
