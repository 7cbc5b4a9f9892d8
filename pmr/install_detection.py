"""Detection quality of the degraded install days (IC2).

The synthetic generator injects days on which one segment's installs fall to a
fraction of normal and lists them in `<landing name>.ground_truth.json` under
`degraded_install_days` (UK date, segment, factor). The warehouse flags a
segment-day as degraded in `marts.pmr_install_forecast.is_degraded` (ic.deviation at
or below `ic_deviation_alert_ratio` with a forecast of at least
`ic_deviation_min_predicted`, parameters seed). This module scores those flags
against the ground truth, per segment-day of the month (North, Central, South,
SMETS1; `All` is not a ground-truth segment), and writes the lines `make bench`
prints. It reads the flags; it never recomputes them.

Outages are injected too (`traffic_drops`: every request stream of a segment,
installs included, falls to a fraction for their duration), and a long one at
the installers' busy hours takes a quarter or more off a day's installs: a real
degradation of service that IC2 is meant to show, but not a degraded install day
of the ground truth. So:

- recall = injected degraded install days flagged / injected degraded install days;
- precision = flags on a segment-day with an injected degradation (a degraded
  install day, or a traffic drop of that segment covering at least an hour of
  the installers' working hours, 07:30-19:00 UK time, that day) / flags;
- strict precision = flags on an injected degraded install day / flags, reported
  beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pmr.generator.ground_truth import ground_truth_path

SEGMENTS = ("North", "Central", "South", "SMETS1")
UK = ZoneInfo("Europe/London")
SegmentDay = tuple[dt.date, str]


@dataclass
class DetectionScore:
    month: str
    injected: set[SegmentDay]  # ground truth within the month
    flagged: set[SegmentDay]  # is_degraded in the warehouse
    assessable: set[SegmentDay] = field(default_factory=set)  # segment-days with a deviation that could be flagged
    outage_days: set[SegmentDay] = field(default_factory=set)  # segment-days with an injected traffic drop

    @property
    def true_positives(self) -> set[SegmentDay]:
        return self.injected & self.flagged

    @property
    def explained_by_outage(self) -> set[SegmentDay]:
        """Flags on days without an injected degraded install day but with an injected outage."""
        return (self.flagged - self.injected) & self.outage_days

    @property
    def false_positives(self) -> set[SegmentDay]:
        return self.flagged - self.injected - self.outage_days

    @property
    def missed(self) -> set[SegmentDay]:
        return self.injected - self.flagged

    @property
    def precision(self) -> float | None:
        if not self.flagged:
            return None
        return (len(self.true_positives) + len(self.explained_by_outage)) / len(self.flagged)

    @property
    def strict_precision(self) -> float | None:
        return len(self.true_positives) / len(self.flagged) if self.flagged else None

    @property
    def recall(self) -> float | None:
        return len(self.true_positives) / len(self.injected) if self.injected else None

    def lines(self) -> list[str]:
        def fmt(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        def days(items: set[SegmentDay]) -> str:
            return ", ".join(f"{d.isoformat()} {s}" for d, s in sorted(items)) or "none"

        return [
            f"degraded install days {self.month}: precision {fmt(self.precision)}, recall {fmt(self.recall)} "
            f"(strict precision {fmt(self.strict_precision)}; {len(self.true_positives)} found of "
            f"{len(self.injected)} injected, {len(self.flagged)} flagged, {len(self.assessable)} segment-days "
            f"assessable)",
            f"   missed: {days(self.missed)}",
            f"   flagged on an injected outage day: {days(self.explained_by_outage)}",
            f"   false alarms: {days(self.false_positives)}",
        ]


def month_days(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following


def _truth(landing: Path) -> dict:
    return json.loads(ground_truth_path(landing).read_text(encoding="utf-8"))


def injected_days(landing: Path, month: str) -> set[SegmentDay]:
    """The ground truth's degraded install days that fall in `month`."""
    first, following = month_days(month)
    found = set()
    for entry in _truth(landing).get("degraded_install_days", []):
        day = dt.date.fromisoformat(entry["date"])
        if first <= day < following and entry["segment"] in SEGMENTS:
            found.add((day, entry["segment"]))
    return found


# An outage can take a quarter of a day's installs only if it covers a good part of
# the installers' working hours (UK local time).
WORKING_HOURS = (dt.time(7, 30), dt.time(19, 0))
MIN_OVERLAP = dt.timedelta(minutes=60)


def _moment(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def outage_days(landing: Path, month: str) -> set[SegmentDay]:
    """Segment-days of `month` on which an injected traffic drop of that segment
    covered at least MIN_OVERLAP of the installers' working hours."""
    first, following = month_days(month)
    found = set()
    for drop in _truth(landing).get("traffic_drops", []):
        if drop.get("segment") not in SEGMENTS:
            continue
        start, end = _moment(drop["start"]), _moment(drop["end"])
        day, last = start.astimezone(UK).date(), end.astimezone(UK).date()
        while day <= last:
            opens = dt.datetime.combine(day, WORKING_HOURS[0], tzinfo=UK)
            closes = dt.datetime.combine(day, WORKING_HOURS[1], tzinfo=UK)
            overlap = min(end, closes) - max(start, opens)
            if first <= day < following and overlap >= MIN_OVERLAP:
                found.add((day, drop["segment"]))
            day += dt.timedelta(days=1)
    return found


def flagged_days(con: duckdb.DuckDBPyConnection, month: str) -> tuple[set[SegmentDay], set[SegmentDay]]:
    """(flagged, assessable) segment-days of `month` from marts.pmr_install_forecast:
    assessable ones could be flagged (`is_judged`: a forecast at or above the floor)."""
    segments = ", ".join(f"'{s}'" for s in SEGMENTS)
    rows = con.execute(
        f"""select day, segment, is_degraded, is_judged
            from marts.pmr_install_forecast
            where period = ? and day is not null and segment in ({segments})""",
        [month],
    ).fetchall()
    flagged = {(day, segment) for day, segment, degraded, _ in rows if degraded}
    assessable = {(day, segment) for day, segment, _, can in rows if can}
    return flagged, assessable


def score(landing: Path, db: Path, month: str) -> DetectionScore:
    injected = injected_days(landing, month)
    con = duckdb.connect(str(db), read_only=True)
    try:
        flagged, assessable = flagged_days(con, month)
    finally:
        con.close()
    return DetectionScore(month=month, injected=injected, flagged=flagged, assessable=assessable,
                          outage_days=outage_days(landing, month))


def bench_lines(landing: Path, db: Path, month: str) -> list[str]:
    """Lines for `make bench`: precision and recall of the degraded install days, or
    why they cannot be scored (no ground truth, no forecast for lack of history)."""
    if not ground_truth_path(landing).exists():
        return [f"degraded install days {month}: no ground truth beside {Path(landing).name}"]
    result = score(landing, db, month)
    if not result.assessable:  # a recall of 0 would read as a detector that misses everything
        return [f"degraded install days {month}: not assessed ({len(result.injected)} injected): no segment-day "
                "could be, as the landing folder lacks the four weeks before the month (ic.installs_predicted is "
                "empty) or the forecasts are below ic_deviation_min_predicted"]
    return result.lines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score degraded install days against the generator's ground truth")
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--month", required=True)
    args = parser.parse_args(argv)
    for line in bench_lines(args.landing, args.db, args.month):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
