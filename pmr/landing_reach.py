"""How far past a month the landing reaches, and so which of the month's figures are
still provisional (docs/metrics.md, "Provisional figures").

A metric id whose YAML declares a follow-up window (`follow_up`: it looks for a final
response, a correcting request or a verification alert after the month) is final once
the landing holds every UK day up to the month's end plus that window. The rule is
applied once, when the month's figures are collected (write_metric_status): the
publication gate's follow-up check and the report's notices read the table it writes,
metrics.metric_status, so they cannot disagree and describe the figures as built. A
figure waiting for final responses also waits for those of Future-Dated requests executed
after that window (write_metric_status).
"""

from __future__ import annotations

import datetime as dt
import statistics

import duckdb

from pmr.calendar import parse_month, period_bounds_utc, uk_date, uk_day_start_utc
from pmr.metric_parameters import RESPONSE_WINDOW
from pmr.metric_tables import CATALOGUE, STATUS

# The sources every month's figures stand on, and the timestamp that puts a row in a period.
PERIOD_SOURCES = {"service_requests": "received_at", "service_responses": "response_at", "alerts": "received_at"}


# A UK day on which a source has fewer accepted rows than this share of the month's
# median day is an extract that did not land, or landed in part, not a day with data:
# without its file, a day still holds the few rows delivered late in the next day's
# (alerts sent after midnight). The DCC's traffic never falls so far on a real day: the
# demo's quietest day of October has 78% of its median day's requests (decision log).
LEAST_SHARE_OF_MEDIAN_DAY = 0.1


def rows_by_uk_day(con: duckdb.DuckDBPyConnection, source: str, column: str, start: dt.datetime,
                   end: dt.datetime | None = None) -> dict[dt.date, int]:
    """The accepted rows of staging.stg_<source> by UK day of `column`, for `column` in
    [start, end) (naive UTC; no end: onwards); a day without rows is left out."""
    before = f" and {column} < $end" if end is not None else ""
    # a UK day starts on a whole UTC hour, so the rows by hour add up to the rows by day
    hours = con.execute(
        f"select date_trunc('hour', {column}), count(*) from staging.stg_{source} "
        f"where {column} >= $start{before} group by 1",
        {"start": start, **({"end": end} if end is not None else {})},
    ).fetchall()
    days: dict[dt.date, int] = {}
    for hour, rows in hours:
        day = uk_date(hour.replace(tzinfo=dt.timezone.utc))
        days[day] = days.get(day, 0) + rows
    return days


def _every_day_of(month: str, rows: dict[dt.date, int]) -> dict[dt.date, int]:
    first, last = parse_month(month)
    return {day: rows.get(day, 0) for day in (first + dt.timedelta(days=n) for n in range((last - first).days + 1))}


def least_rows_of_a_day(month_rows: dict[dt.date, int]) -> float:
    """The fewest rows of a source that make a UK day one with data, for a month and the
    days after it: LEAST_SHARE_OF_MEDIAN_DAY of the month's median day (`month_rows`: every UK day of the month),
    and at least one row."""
    return max(1.0, LEAST_SHARE_OF_MEDIAN_DAY * statistics.median(month_rows.values()))


def landed_through(con: duckdb.DuckDBPyConnection, month: str, now: dt.datetime | None = None) -> dt.datetime:
    """How far past the month the landing reaches, as a naive UTC instant: the end of
    the last UK day of the unbroken run of days after the month on which requests,
    responses and alerts all have accepted rows, at least least_rows_of_a_day of the
    month's (a day with them is a day whose extract landed, as for the month's own days;
    a month mostly without data asks one row). A day without data stops the run, so data
    of later days does not count past a gap; the month's end when the first day after
    it has none. So does a day that has not ended by `now` (default: the clock): its
    extract cannot be whole, however many rows it has (rows dated ahead of the clock
    made figures final before their window had passed)."""
    start, end = period_bounds_utc(month)
    first = uk_date(end)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(tzinfo=None)
    reach = None
    for source, column in PERIOD_SOURCES.items():
        rows = rows_by_uk_day(con, source, column, start)  # the month and the days after it, in one scan
        least = least_rows_of_a_day(_every_day_of(month, rows))
        day = first
        while rows.get(day, 0) >= least and uk_day_start_utc(day + dt.timedelta(days=1)) <= now:
            day += dt.timedelta(days=1)
        source_reach = uk_day_start_utc(day)
        reach = source_reach if reach is None else min(reach, source_reach)
    return reach or end


def latest_clock_starts(con: duckdb.DuckDBPyConnection, month: str,
                        received_to: list[float]) -> dict[float, dt.datetime | None]:
    """For each span in `received_to` (seconds past the month's end): the latest clock
    start (execution_at, else received_at; naive UTC) of the requests received from the
    month's start to that far past its end that have no final response yet, Transforms
    aside (they are in no figure); None when there is none. A Future-Dated request's
    final response comes after its execution, which may be long after the month; one
    already answered has its outcome."""
    if not received_to:
        return {}
    start, end = period_bounds_utc(month)
    spans = sorted(set(received_to))
    latest = ", ".join(f"max(clock_start_at) filter (where received_at < $end + to_seconds($span{i}))"
                       for i in range(len(spans)))
    row = con.execute(
        f"select {latest} from marts.fct_service_requests "
        f"where not is_transform and not has_final_response "
        f"and received_at >= $start and received_at < $end + to_seconds($span{len(spans) - 1})",
        {"start": start, "end": end, **{f"span{i}": span for i, span in enumerate(spans)}},
    ).fetchone()
    return dict(zip(spans, row))


def write_metric_status(con: duckdb.DuckDBPyConnection, month: str) -> None:
    """(Re)build metrics.metric_status: one row per metric id of the catalogue, with the
    month, its follow-up window (follow_up_s, null when it looks at the month only), the
    instant (naive UTC) the landing must reach for its figures to be final, the instant
    it reaches now, and whether its figures are provisional (the landing does not reach
    that far yet).

    A figure waiting for final responses (its follow_up names RESPONSE_WINDOW) waits that
    long after the clock start of each request it reads that has none yet: for a request
    received in the month without execution_at that is within the month's end plus its
    window, but a Future-Dated request executed later is answered later, and until then
    it counts as failed (no final response)."""
    _, end = period_bounds_utc(month)
    received_to = [span for (span,) in con.execute(
        f"select distinct requests_received_to_s from {CATALOGUE} where requests_received_to_s is not null").fetchall()]
    latest = latest_clock_starts(con, month, received_to)
    [response_window] = con.execute("select max(value) from reference.parameters where parameter = ?",
                                    [RESPONSE_WINDOW]).fetchone() if latest else [None]
    spans = " union all ".join(f"select $span{i}::double as requests_received_to_s, $latest{i}::timestamp as latest"
                               for i in range(len(latest))) or \
        "select null::double as requests_received_to_s, null::timestamp as latest where false"
    params = {f"span{i}": span for i, span in enumerate(latest)} | {f"latest{i}": at for i, at in enumerate(latest.values())}
    con.execute(
        f"""
        create or replace table {STATUS} as
        with windows as (
            select
                catalogue.metric_id,
                catalogue.follow_up_s,
                $end::timestamp + to_seconds(catalogue.follow_up_s) as window_end,
                spans.latest as latest_clock_start,
                spans.latest + to_seconds($response_window) as responses_due
            from {CATALOGUE} as catalogue
            left join ({spans}) as spans
                on catalogue.requests_received_to_s = spans.requests_received_to_s
        ),
        needed as (
            select
                metric_id,
                follow_up_s,
                case when follow_up_s > 0 then greatest(window_end, coalesce(responses_due, window_end)) end
                    as needed_through_utc,
                case when follow_up_s > 0 and responses_due > window_end then latest_clock_start end
                    as latest_clock_start_utc
            from windows
        )
        select
            metric_id,
            $month as period,
            follow_up_s,
            needed_through_utc,
            $landed::timestamp as landed_through_utc,
            coalesce($landed::timestamp < needed_through_utc, false) as is_provisional,
            latest_clock_start_utc
        from needed
        order by metric_id
        """,
        {"month": month, "end": end, "landed": landed_through(con, month), "response_window": response_window,
         **params},
    )
