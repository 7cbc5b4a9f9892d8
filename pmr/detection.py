"""Scoring the inferred-outage detector (Requirement 3's "lack of activity"
method, `pmr_inferred_outages`) against the synthetic generator's ground truth.

The generator writes `<landing name>.ground_truth.json` beside the landing folder;
its `traffic_drops` list holds every injected spell of depressed request traffic
(segment, start, end, factor; UTC ISO-8601). A detected spell and a drop *match*
when they are in the same segment and overlap in time (half-open intervals).

- precision = detected spells that match some drop / detected spells;
- recall = drops of at least `min_drop_minutes` that some spell matches / such
  drops (shorter drops are not required to be found, but a spell that finds one
  still counts as correct for precision).

Only drops that overlap the scored window (the reporting period) count. Spells of
segment `All` (the total traffic) are left out: the ground truth is per segment.
The detector itself is SQL (models/); nothing here redefines it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from pmr.generator.ground_truth import ground_truth_path

SEGMENTS = ("North", "Central", "South", "SMETS1")


@dataclass(frozen=True)
class Interval:
    segment: str
    start: dt.datetime  # naive UTC
    end: dt.datetime  # naive UTC, exclusive

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60

    def overlaps(self, other: "Interval") -> bool:
        return self.segment == other.segment and self.start < other.end and other.start < self.end


@dataclass
class Score:
    precision: float | None  # None when nothing was detected
    recall: float | None  # None when there is no drop to find
    spells: int
    matched_spells: int
    drops: int  # drops of at least min_drop_minutes in the window
    found_drops: int
    false_spells: list[Interval] = field(default_factory=list)
    missed_drops: list[Interval] = field(default_factory=list)

    def summary(self) -> str:
        def pct(x: float | None) -> str:
            return "n/a" if x is None else f"{x:.3f}"

        return (
            f"precision {pct(self.precision)} ({self.matched_spells}/{self.spells} spells match a drop), "
            f"recall {pct(self.recall)} ({self.found_drops}/{self.drops} drops found)"
        )


def parse_utc(text: str) -> dt.datetime:
    """ISO-8601 UTC text ('...Z' or with an offset) as a naive UTC datetime."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def load_drops(landing_or_truth: Path) -> list[Interval]:
    """The traffic drops of a generated landing folder (or of a ground-truth file)."""
    path = Path(landing_or_truth)
    if path.is_dir():
        path = ground_truth_path(path)
    truth = json.loads(path.read_text(encoding="utf-8"))
    return [
        Interval(d["segment"], parse_utc(d["start"]), parse_utc(d["end"]))
        for d in truth.get("traffic_drops", [])
    ]


def score(
    spells: list[Interval],
    drops: list[Interval],
    window: tuple[dt.datetime, dt.datetime] | None = None,
    min_drop_minutes: float = 30.0,
    segments: tuple[str, ...] = SEGMENTS,
) -> Score:
    """Precision and recall of detected spells against ground-truth drops."""
    spells = [s for s in spells if s.segment in segments]
    drops = [d for d in drops if d.segment in segments]
    if window is not None:
        start, end = window
        spells = [s for s in spells if s.start < end and start < s.end]
        drops = [d for d in drops if d.start < end and start < d.end]
    matched = [s for s in spells if any(s.overlaps(d) for d in drops)]
    false_spells = [s for s in spells if s not in matched]
    required = [d for d in drops if d.minutes >= min_drop_minutes]
    found = [d for d in required if any(d.overlaps(s) for s in spells)]
    missed = [d for d in required if d not in found]
    return Score(
        precision=len(matched) / len(spells) if spells else None,
        recall=len(found) / len(required) if required else None,
        spells=len(spells),
        matched_spells=len(matched),
        drops=len(required),
        found_drops=len(found),
        false_spells=false_spells,
        missed_drops=missed,
    )


def spells_from_warehouse(con, period: str | None = None) -> list[Interval]:
    """The detected spells of `marts.pmr_inferred_outages` (a DuckDB connection)."""
    sql = "select segment, spell_start_utc, spell_end_utc from marts.pmr_inferred_outages"
    params: list = []
    if period:
        sql += " where period = ?"
        params.append(period)
    return [Interval(seg, start, end) for seg, start, end in con.execute(sql + " order by 2, 1", params).fetchall()]


def period_window(con, period: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC bounds of a reporting period, from the warehouse's UK calendar."""
    row = con.execute(
        "select min(day_start_utc), max(day_end_utc) from utilities.util_uk_days where period = ?", [period]
    ).fetchone()
    return row[0], row[1]
