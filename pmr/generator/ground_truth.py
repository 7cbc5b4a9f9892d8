"""The ground truth of a generated landing folder: the parameters and every injected
event, written beside the folder as `<landing name>.ground_truth.json`, so detectors
and metrics can be scored against what was really injected.

It describes every generated day of the folder. When a call generates into a folder
whose ground truth already describes other days that still have files there (a folder
topped up with more days, or some days regenerated), the file is merged
(`merge_truth`): the entries of the days this call generated are replaced by its own,
those of the other days are kept, and `generated_by` says which call (start, days,
scale, seed, format) made which days. A fresh folder's file is written exactly as
before (same arguments, same bytes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from pmr.generator.context import SEGMENTS, UK, Context, local_midnight_ms
from pmr.generator.writer import day_files


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


def write_ground_truth(ctx: Context, landing: Path, fmt: str, storm_suppressed: dict[str, int],
                       resent: list[tuple]) -> tuple[Path, list[str]]:
    """Write (or merge into) the ground truth beside `landing`, after the call's files
    were written; returns its path and warnings for the user."""
    seg_name = {s.idx: s.name for s in SEGMENTS}
    con = ctx.con
    outages = [
        {"id": oid, "component": comp, "csp_region": region, "planned": planned, "start": iso(a), "end": iso(b),
         "description": desc}
        for oid, comp, region, planned, a, b, desc in con.execute(
            "SELECT outage_id, component, csp_region, planned, started_at, ended_at, description "
            "FROM outages_all ORDER BY started_at, outage_id").fetchall()  # one row per outage, as it ended
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
            "resent_files": "a day's file delivered a second time, byte for byte: all its rows are duplicates",
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
        "resent_files": [{"date": day.isoformat(), "source": source, "file": path.relative_to(landing).as_posix(),
                          "rows": count} for day, source, path, count in resent],
    }
    path = ground_truth_path(landing)
    previous, warnings = None, []
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
            previous.setdefault("resent_files", [])  # written before files were re-sent
            covered_days(previous)
            if not all(isinstance(previous[key], list) for key in ENTRY_LISTS):
                raise TypeError("not a list of entries")
        except (ValueError, KeyError, TypeError, AttributeError):
            warnings.append(f"{path} could not be read as a ground truth; it is replaced by this call's")
            previous = None
    truth, merge_warnings = merge_truth(previous, truth, set(day_files(landing)), path.name)
    path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return path, warnings + merge_warnings


# ---- merging with the ground truth of earlier calls --------------------------------
#
# Which day an entry belongs to: the UK day its start falls in (degraded install days and
# re-sent files: their date). That is the day whose outages file holds an outage's first
# row; a traffic drop starts with its outage, and a storm's first alerts are in its start
# day's alerts file.
#
# Events that span midnight: an outage entry mirrors its first row in the outages file,
# so it is kept whole with its day (its end, and the row delivered with it, can lie in a
# regenerated day) and goes with its day. Traffic drops and alert storms describe
# traffic in the request and alert files, so an entry of an earlier call is cut to the
# part that lies outside the days this call generated and on days of the folder that
# still have files (the rest of those files was overwritten), and is marked "clipped":
# true; a drop's duration_min is of the part kept, a storm's "suppressed" still counts
# the whole storm as first generated. So a drop that began late on a regenerated day
# keeps its tail on the next, kept, day (its outage, whose first row was in the
# regenerated day's file, is no longer listed).
#
# Different seeds or scales: the days are merged all the same (each entry still says
# what was injected on its day), with a warning; `parameters` then shows null for a
# value the calls do not share, and `generated_by` has each call's.

CALL_KEYS = ("start", "days", "scale", "seed", "format")
ENTRY_LISTS = ("outages", "traffic_drops", "alert_storms", "degraded_install_days", "resent_files")
SEGMENT_ORDER = {s.name: s.idx for s in SEGMENTS}


def _uk_day(iso_utc: str) -> dt.date:
    return dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00")).astimezone(UK).date()


def _ms(iso_utc: str) -> int:
    return round(dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00")).timestamp() * 1000)


def covered_days(truth: dict) -> dict[dt.date, dict]:
    """The days a ground truth describes, each with the parameters of the call that
    generated it."""
    parts = truth.get("generated_by") or [{**{k: truth["parameters"][k] for k in CALL_KEYS}}]
    days = {}
    for part in parts:
        call = {k: part[k] for k in CALL_KEYS}
        first = dt.date.fromisoformat(part.get("first_day", call["start"]))
        last = (dt.date.fromisoformat(part["last_day"]) if "last_day" in part
                else first + dt.timedelta(days=int(call["days"]) - 1))
        for i in range((last - first).days + 1):
            days[first + dt.timedelta(days=i)] = call
    return days


def _kept_part(entry: dict, new_start: int, new_end: int, kept: set[dt.date]) -> dict | None:
    """A drop or storm of an earlier call, cut to what lies outside the regenerated
    window [new_start, new_end) on kept days; None when nothing does."""
    start, end = _ms(entry["start"]), _ms(entry["end"])
    pieces = [(start, min(end, new_start)), (max(start, new_end), end)]
    for a, b in pieces:
        if a < b and _uk_day(iso(a)) in kept:
            if (a, b) == (start, end):
                return entry
            part = {**entry, "start": iso(a), "end": iso(b)}
            if "duration_min" in part:
                part["duration_min"] = round((b - a) / 60000, 1)
            return {**part, "clipped": True}
    return None


def _common(values: list):
    return values[0] if all(v == values[0] for v in values) else None


def merge_truth(previous: dict | None, new: dict, landing_days: set[dt.date],
                name: str) -> tuple[dict, list[str]]:
    """The ground truth of the folder after a call: `new` (this call's) merged with
    `previous` (the file found beside the folder, or None). `landing_days` are the days
    the folder has files of, after the call."""
    params = new["parameters"]
    call = {k: params[k] for k in CALL_KEYS}
    first_new = dt.date.fromisoformat(params["start"])
    new_days = {first_new + dt.timedelta(days=i) for i in range(params["days"])}
    old_days = covered_days(previous) if previous else {}
    # days of an earlier call whose files are gone (the folder was emptied) are dropped
    kept = {day for day in old_days if day not in new_days and day in landing_days}
    warnings = []
    undescribed = sorted(landing_days - new_days - kept)
    if undescribed:
        warnings.append(f"{name} does not describe {len(undescribed)} other days of the folder "
                        f"({undescribed[0]} .. {undescribed[-1]}): their files were not written by pmr generate "
                        "or their ground truth was lost")
    if not kept:
        return new, warnings
    others = sorted({(c["seed"], c["scale"]) for d, c in old_days.items() if d in kept} - {(call["seed"], call["scale"])})
    if others:
        listed = ", ".join(f"seed {seed} scale {scale}" for seed, scale in others)
        warnings.append(f"the other days described by {name} were generated with {listed}, this call with seed "
                        f"{call['seed']} scale {call['scale']}: the folder mixes them; the ground truth keeps "
                        "every day's events, and its generated_by says which call made which days")

    new_start = _ms(params["window_start"])
    new_end = _ms(params["window_end"])
    outages = [o for o in previous["outages"] if _uk_day(o["start"]) in kept] + new["outages"]
    drops = [k for k in (_kept_part(d, new_start, new_end, kept) for d in previous["traffic_drops"]) if k]
    drops += new["traffic_drops"]
    storms = [k for k in (_kept_part(s, new_start, new_end, kept) for s in previous["alert_storms"]) if k]
    degraded = [e for e in previous["degraded_install_days"] if dt.date.fromisoformat(e["date"]) in kept]
    resent = [e for e in previous["resent_files"] if dt.date.fromisoformat(e["date"]) in kept]

    calls = {**{day: old_days[day] for day in kept}, **{day: call for day in new_days}}
    days = sorted(calls)
    generated_by: list[dict] = []
    for day in days:
        last = generated_by[-1] if generated_by else None
        if (last and calls[day] == {k: last[k] for k in CALL_KEYS}
                and dt.date.fromisoformat(last["last_day"]) + dt.timedelta(days=1) == day):
            last["last_day"] = day.isoformat()
        else:
            generated_by.append({"first_day": day.isoformat(), "last_day": day.isoformat(), **calls[day]})
    scales = [c["scale"] for c in calls.values()]
    merged = {
        "notes": {
            **new["notes"],
            "generated_by": "the days of the folder (first_day to last_day, UK) and the call of pmr generate "
                            "(start, days, scale, seed, format) that wrote them; parameters span the first to the "
                            "last day, null where the calls differ",
            "merged": "an entry belongs to the UK day of its start (degraded install days, re-sent files: "
                      "their date); a later call replaced the entries of the days it generated. Traffic drops "
                      "and storms of an earlier call are cut to the days it still has files of (clipped: true; "
                      "suppressed still counts the whole storm). Storm ids are numbered per call",
        },
        "parameters": {
            "start": days[0].isoformat(), "days": (days[-1] - days[0]).days + 1, "scale": _common(scales),
            "seed": _common([c["seed"] for c in calls.values()]), "format": _common([c["format"] for c in calls.values()]),
            "window_start": iso(local_midnight_ms(days[0])),
            "window_end": iso(local_midnight_ms(days[-1] + dt.timedelta(days=1))),
            "premises": params["premises"] if _common(scales) is not None else None,
        },
        "generated_by": generated_by,
        "outages": sorted(outages, key=lambda o: (_ms(o["start"]), o["id"])),
        "traffic_drops": sorted(drops, key=lambda d: (_ms(d["start"]), SEGMENT_ORDER.get(d["segment"], 9))),
        "alert_storms": sorted(storms + new["alert_storms"], key=lambda s: (_ms(s["start"]), s["id"])),
        "degraded_install_days": sorted(degraded + new["degraded_install_days"],
                                        key=lambda e: (e["date"], SEGMENT_ORDER.get(e["segment"], 9))),
        "resent_files": sorted(resent + new["resent_files"], key=lambda e: (e["date"], e["file"])),
    }
    return merged, warnings
