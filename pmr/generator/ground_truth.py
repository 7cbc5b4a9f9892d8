"""The ground truth of a generated landing folder: the parameters and every injected
event, written beside the folder as `<landing name>.ground_truth.json`, so detectors
and metrics can be scored against what was really injected."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from pmr.generator.context import SEGMENTS, Context


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    moment = dt.datetime.fromtimestamp(ms // 1000, tz=dt.timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def ground_truth_path(landing: Path) -> Path:
    """`<name>.ground_truth.json` beside the landing folder, never inside it: the path is
    made absolute first, so `.` or `data/..` name the folder they stand for
    (`--landing .` gives `../<this folder's name>.ground_truth.json`). Symbolic links
    are not followed: the file goes beside the path as given. A relative landing path
    gives a relative result."""
    landing = Path(landing)
    absolute = Path(os.path.abspath(landing))
    if not absolute.name:
        raise ValueError(f"the landing folder cannot be {absolute}: its ground truth is written beside it")
    path = absolute.parent / f"{absolute.name}.ground_truth.json"
    return path if landing.is_absolute() else Path(os.path.relpath(path))


def write_ground_truth(ctx: Context, landing: Path, fmt: str, storm_suppressed: dict[str, int]) -> Path:
    seg_name = {s.idx: s.name for s in SEGMENTS}
    con = ctx.con
    outages = [
        {"id": oid, "component": comp, "csp_region": region, "planned": planned, "start": iso(a), "end": iso(b),
         "description": desc}
        for oid, comp, region, planned, a, b, desc in con.execute(
            "SELECT outage_id, component, csp_region, planned, started_at, ended_at, description "
            "FROM outages ORDER BY started_at, outage_id").fetchall()
    ]
    drops = [
        {"segment": seg_name[g], "start": iso(a), "end": iso(b), "factor": round(f, 4), "outage_id": oid,
         "duration_min": round((b - a) / 60000, 1)}
        for oid, g, a, b, f in con.execute(
            "SELECT outage_id, g, start_ms, end_ms, factor FROM spells ORDER BY start_ms, g").fetchall()
    ]
    storms = [
        {"id": sid, "segment": seg_name[g], "start": iso(a), "end": iso(b), "alert_code": code,
         "suppressed": storm_suppressed.get(sid, 0)}
        for sid, g, a, b, code in con.execute(
            "SELECT storm_id, g, start_ms, end_ms, code FROM storms ORDER BY start_ms, storm_id").fetchall()
    ]
    degraded = [
        {"date": ctx.days[d].date.isoformat(), "segment": seg_name[g], "factor": f}
        for d, g, f in con.execute("SELECT d, g, factor FROM degraded ORDER BY d, g").fetchall()
    ]
    truth = {
        "notes": {
            "times": "UTC, ISO-8601; start inclusive, end exclusive; end null = still running at window end",
            "traffic_drops": "spells where a segment's service-request traffic was depressed by an unplanned "
                             "outage; factor = share of normal traffic that remained",
            "alert_storms": "suppressed = alerts of the storm withheld by throttling (written in the window)",
            "degraded_install_days": "UK date; factor = share of the segment's usual installs that remained",
        },
        "parameters": {
            "start": ctx.start.isoformat(), "days": ctx.n_days, "scale": ctx.scale, "seed": ctx.seed, "format": fmt,
            "window_start": iso(ctx.window_start_ms), "window_end": iso(ctx.window_end_ms),
            "premises": {seg_name[g]: n for g, n in sorted(ctx.premises.items())},
        },
        "outages": outages,
        "traffic_drops": drops,
        "alert_storms": storms,
        "degraded_install_days": degraded,
    }
    path = ground_truth_path(landing)
    path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return path
