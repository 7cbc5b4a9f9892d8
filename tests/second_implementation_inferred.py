"""A second, simple implementation of Requirement 3's inferred outages ("lack of
activity"): every 10-minute bucket's expected level and low flag, the spells, their
recorded outages and `availability.inferred_outages`.

Written from the decision log's "Inferred outages" entries and the detector's settings
as docs/metrics/requirement-3-5.md gives them, not from the models: plain Python and
numpy, with its own UK days (zoneinfo), medians (statistics.median) and spells. It
starts from the accepted requests and outages (stg_service_requests, stg_outages): the
staging tests account for those rows; what is checked here is what the detector makes
of them. `inferred_outages` and `as_built` give the same shapes, so a test compares
the two row by row.
"""

from __future__ import annotations

import collections
import datetime as dt
import math
import statistics
from dataclasses import dataclass

import numpy as np

from tests.second_implementation import UK, UTC, bank_holidays, is_working_day

BUCKET = dt.timedelta(minutes=10)
LOOKBACK_DAYS = 28
MIN_DAYS_OBSERVED = 3
MAX_BUCKET_RATIO, MAX_BUCKET_Z = 0.5, -2.5
MAX_GAP_BUCKETS = 1
MAX_SPELL_RATIO, MIN_SPELL_EVIDENCE = 0.5, 10.0
SEGMENTS = ["North", "Central", "South", "SMETS1"]  # All is their total


@dataclass(frozen=True)
class Bucket:
    segment: str
    start: dt.datetime  # UTC
    uk_date: dt.date
    working_day: bool
    slot: int  # elapsed time since UK local midnight, in buckets
    clock_slot: int  # the local clock time, in buckets
    requests: int


def uk_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), UK).astimezone(UTC)


def period_days(month: str) -> tuple[dt.date, dt.date]:
    """The period's first UK day and the first UK day after it."""
    first = dt.date.fromisoformat(month + "-01")
    after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, after


def buckets(con, month: str) -> list[Bucket]:
    """Every bucket of every segment and of All, from the lookback's first UK day to the
    period's end, within the first and last bucket that has any request."""
    first, after = period_days(month)
    window_first = first - dt.timedelta(days=LOOKBACK_DAYS)
    columns = con.execute(
        "select epoch_ms(received_at) as received_ms, smets, csp_region "
        "from staging.stg_service_requests where command_variant is distinct from 4"
    ).fetchnumpy()
    seconds = np.asarray(columns["received_ms"]) // 1000  # whole seconds, rounded down
    region = np.asarray(columns["csp_region"], dtype=object)
    segment = np.where(np.asarray(columns["smets"]) == "SMETS1", "SMETS1", region)
    keep = (seconds >= uk_midnight(window_first).timestamp()) & (seconds < uk_midnight(after).timestamp())
    width = int(BUCKET.total_seconds())
    counts = collections.Counter(zip(segment[keep].tolist(), (seconds[keep] // width * width).tolist()))
    starts = [s for _, s in counts]
    first_bucket, last_bucket = min(starts), max(starts)
    holidays = bank_holidays()
    found = []
    day = window_first
    while day < after:
        start, end = uk_midnight(day), uk_midnight(day + dt.timedelta(days=1))
        at = start
        while at < end:
            if first_bucket <= at.timestamp() <= last_bucket:
                local = at.astimezone(UK)
                slot = int((at - start) / BUCKET)
                clock_slot = int(dt.timedelta(hours=local.hour, minutes=local.minute) / BUCKET)
                per_segment = {s: counts.get((s, int(at.timestamp())), 0) for s in SEGMENTS}
                for name, requests in [*per_segment.items(), ("All", sum(per_segment.values()))]:
                    found.append(Bucket(name, at, day, is_working_day(day, holidays), slot, clock_slot, requests))
            at += BUCKET
        day += dt.timedelta(days=1)
    return found


def expected_levels(window: list[Bucket]) -> dict:
    """{(segment, working day?, alignment, slot): (median, buckets behind it)}, the
    alignment 'elapsed' (by slot) or 'clock' (by clock_slot)."""
    groups = collections.defaultdict(list)
    for b in window:
        groups[(b.segment, b.working_day, "elapsed", b.slot)].append(b.requests)
        groups[(b.segment, b.working_day, "clock", b.clock_slot)].append(b.requests)
    return {k: (statistics.median(v), len(v)) for k, v in groups.items()}


def anscombe_z(observed: float, expected: float) -> float:
    return 2 * (math.sqrt(observed + 0.375) - math.sqrt(expected + 0.375))


def flagged(window: list[Bucket], month: str) -> dict:
    """{(segment, bucket start): (observed, expected, buckets behind it, low?)} for
    every bucket of the period."""
    levels = expected_levels(window)
    first, after = period_days(month)
    result = {}
    for b in window:
        if not first <= b.uk_date < after:
            continue
        by_elapsed = levels[(b.segment, b.working_day, "elapsed", b.slot)]
        by_clock = levels[(b.segment, b.working_day, "clock", b.clock_slot)]
        level = by_elapsed
        if b.slot != b.clock_slot:
            # placed differently by the two (after the change on a clock-change day): the
            # lower level of those that rest on enough days
            usable = [lv for lv in (by_elapsed, by_clock) if lv[1] >= MIN_DAYS_OBSERVED]
            level = min(usable, key=lambda lv: lv[0]) if usable else by_elapsed
        expected, behind = level
        low = (behind >= MIN_DAYS_OBSERVED and b.requests <= MAX_BUCKET_RATIO * expected
               and anscombe_z(b.requests, expected) <= MAX_BUCKET_Z)
        result[(b.segment, b.start)] = (b.requests, expected, behind, low)
    return result


def spells(buckets_flagged: dict) -> list[dict]:
    """Low buckets at most MAX_GAP_BUCKETS apart, one spell, kept when its totals (gap
    buckets included) are far enough below expected."""
    found = []
    for segment in SEGMENTS + ["All"]:
        lows = sorted(start for (s, start), v in buckets_flagged.items() if s == segment and v[3])
        runs: list[list[dt.datetime]] = []
        for start in lows:
            if runs and start - runs[-1][-1] <= (MAX_GAP_BUCKETS + 1) * BUCKET:
                runs[-1].append(start)
            else:
                runs.append([start])
        for run in runs:
            start, end = run[0], run[-1] + BUCKET
            inside = [v for (s, t), v in buckets_flagged.items() if s == segment and start <= t < end]
            observed, expected = sum(v[0] for v in inside), sum(v[1] for v in inside)
            if expected <= 0:
                continue
            evidence = (observed * math.log(observed / expected) if observed else 0) - observed + expected
            if observed <= MAX_SPELL_RATIO * expected and evidence >= MIN_SPELL_EVIDENCE:
                found.append({"segment": segment, "start": start, "end": end, "buckets": len(inside),
                              "low_buckets": len(run), "observed": observed, "expected": expected,
                              "evidence": evidence})
    return found


def recorded_outages(con, spell: dict, period_end: dt.datetime) -> list[str]:
    """The recorded outages that overlap a spell: national, or of its segment's region;
    one still open runs to the period's end."""
    rows = con.execute("select outage_id, started_at, ended_at, csp_region from staging.stg_outages").fetchall()
    return sorted(
        outage_id for outage_id, started, ended, region in rows
        if started.replace(tzinfo=UTC) < spell["end"]
        and (ended.replace(tzinfo=UTC) if ended else period_end) > spell["start"]
        and region in (None, spell["segment"])
    )


def inferred_outages(con, month: str) -> tuple[dict, list[dict], dict]:
    """The period's flagged buckets, its spells (each with its recorded outages) and
    `availability.inferred_outages` by segment."""
    window = buckets(con, month)
    by_bucket = flagged(window, month)
    _, after = period_days(month)
    found = spells(by_bucket)
    for spell in found:
        spell["recorded_outage_ids"] = recorded_outages(con, spell, uk_midnight(after))
    counts = collections.Counter(s["segment"] for s in found)
    return by_bucket, found, {segment: counts.get(segment, 0) for segment in SEGMENTS + ["All"]}


def as_built(con) -> tuple[dict, list[dict], dict]:
    """inferred_outages' three results as the warehouse has them (int_request_volume_flagged,
    pmr_inferred_outages, metric_inferred_outages)."""
    by_bucket = {
        (segment, start.replace(tzinfo=UTC)): tuple(rest)
        for segment, start, *rest in con.execute(
            "select segment, bucket_start_utc, observed_requests, expected_requests, buckets_observed, is_low "
            "from intermediate.int_request_volume_flagged"
        ).fetchall()
    }
    found = [
        {"segment": segment, "start": start.replace(tzinfo=UTC), "end": end.replace(tzinfo=UTC), "buckets": buckets,
         "low_buckets": low, "observed": observed, "expected": expected, "evidence": evidence,
         "recorded_outage_ids": ids.split(", ") if ids else []}
        for segment, start, end, buckets, low, observed, expected, evidence, ids in con.execute(
            "select segment, spell_start_utc, spell_end_utc, buckets, low_buckets, observed_requests, "
            "expected_requests, evidence, recorded_outage_ids from marts.pmr_inferred_outages"
        ).fetchall()
    ]
    counts = dict(con.execute("select segment, value from metrics.metric_inferred_outages").fetchall())
    return by_bucket, found, counts
