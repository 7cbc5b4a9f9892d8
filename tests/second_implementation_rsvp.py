"""The second implementation of Requirement 1 (RSVP, every business process, segment
and UK day of October 2026) and A1, as tests/second_implementation.py does the others:
plain Python from metrics.md and the decision log, reference values from the seeds."""

from __future__ import annotations

import collections
import datetime as dt
import statistics
from pathlib import Path

from tests.helpers import read_seed
from tests.second_implementation import UK, Requests, in_period, key, moment, parameter, read, segment_of, share

SMETS2_SEGMENTS = ["North", "Central", "South"]


def uk_day(t) -> str:
    return t.astimezone(UK).date().isoformat()


def october_days() -> list[str]:
    return [dt.date(2026, 10, day).isoformat() for day in range(1, 32)]


def measured(rows: list[dict]) -> dict:
    """The figures of one process, segment and period from its rows: dicts with
    `rejected`, `failed`, `within` and `rtt` (None without a final response) and `dsp_s`."""
    figures = {"rsvp.volume": len(rows), "rsvp.rejected": sum(r["rejected"] for r in rows)}
    deliverable = [r for r in rows if not r["rejected"]]
    if deliverable:
        figures["rsvp.pct_within_trt"] = share(sum(r["within"] for r in deliverable), len(deliverable))
        figures["rsvp.pct_failed"] = share(sum(r["failed"] for r in deliverable), len(deliverable))
    rtts = [r["rtt"] for r in deliverable if r["rtt"] is not None]
    if rtts:
        figures.update({"rsvp.mean_rtt_s": sum(rtts) / len(rtts), "rsvp.median_rtt_s": statistics.median(rtts),
                        "rsvp.min_rtt_s": min(rtts), "rsvp.max_rtt_s": max(rtts)})
    return figures


def timing(r: dict, catalogue: dict) -> tuple[float | None, bool]:
    """A request's round-trip time (None without a final response), from its execution
    when Future-Dated, and whether that is within its Target Response Time."""
    srv = catalogue[r["srv"]]
    target = float(srv["smets1_trt_s"] if r["smets"] == "SMETS1" and srv["smets1_trt_s"] else srv["trt_s"])
    clock = moment(r["execution_at"]) or r["received"]
    rtt = None if r["final_at"] is None else max(0.0, (r["final_at"] - clock).total_seconds())
    return rtt, rtt is not None and rtt <= target


def process_srvs() -> dict[str, list[tuple[str, str]]]:
    """Each business process's (SRV, device type or "" for any)."""
    processes = collections.defaultdict(list)
    for row in read_seed("business_process_srvs"):
        processes[row["business_process"]].append((row["srv"], row["device_type"]))
    return processes


def in_process(r: dict, srvs: list[tuple[str, str]]) -> bool:
    return any(srv == r["srv"] and device_type in ("", r["device_type"]) for srv, device_type in srvs)


def rsvp(requests: Requests, landing: Path) -> dict:
    processes = process_srvs()
    with_smets1 = {p for p, srvs in processes.items()
                   if any(requests.catalogue[srv]["applies_to_smets1"] == "true" for srv, _ in srvs)}
    rows = collections.defaultdict(list)  # (process, segment, day or "") -> rows
    for r in requests.rows:
        if not in_period(r["received"]):
            continue
        rtt, within = timing(r, requests.catalogue)
        measure = dict(rejected=r["rejected"], rtt=rtt, within=within,
                       failed=rtt is None or r["outcome"] in ("comms_failure", "timeout") or r["named_failed"],
                       dsp_s=int(r["dsp_processing_ms"]) / 1000 if r["dsp_processing_ms"] else None)
        for process, srvs in processes.items():
            if in_process(r, srvs):
                for segment in (r["segment"], "All"):
                    for day in ("", uk_day(r["received"])):
                        rows[process, segment, day].append(measure)
    alert_codes = {row["alert_code"] for row in read_seed("business_process_alerts")}
    alert_target = parameter("alert_trt_s").total_seconds()
    for a in read(landing, "alerts"):
        received = moment(a["received_at"])
        if a["alert_code"] in alert_codes and a["suppressed"] == "false" and in_period(received):
            sent = moment(a["delivered_at"])
            rtt = None if sent is None else (sent - received).total_seconds()
            measure = dict(rejected=False, rtt=rtt, within=rtt is not None and rtt <= alert_target,
                           failed=rtt is None, dsp_s=None)
            for segment in (segment_of(a), "All"):
                for day in ("", uk_day(received)):
                    rows["alerts_management", segment, day].append(measure)
    probes = collections.defaultdict(list)  # (region, day or "") -> round trips in s
    for m in read(landing, "csp_test_messages"):
        sent = moment(m["sent_at"])
        if m["rtt_ms"] and in_period(sent):
            for day in ("", uk_day(sent)):
                probes[m["csp_region"], day].append(int(m["rtt_ms"]) / 1000)
    processes["alerts_management"] = []
    with_smets1.add("alerts_management")
    figures = {}
    for process in processes:
        for segment in SMETS2_SEGMENTS + (["SMETS1"] if process in with_smets1 else []) + ["All"]:
            for day in [""] + october_days():
                group = rows[process, segment, day]
                for metric_id, value in measured(group).items():
                    figures[key(metric_id, day, process, segment)] = value
                dsp = [r["dsp_s"] for r in group
                       if not r["rejected"] and r["rtt"] is not None and r["dsp_s"] is not None]
                if segment in SMETS2_SEGMENTS and process != "alerts_management" and dsp and probes[segment, day]:
                    figures[key("rsvp.mean_rtt_excl_han_s", day, process, segment)] = (
                        sum(dsp) / len(dsp) + sum(probes[segment, day]) / len(probes[segment, day]))
    return figures


def alerts(landing: Path) -> dict:
    """A1: every non-suppressed alert of the month, sent within the alert target or not."""
    target = parameter("alert_trt_s").total_seconds()
    counted, suppressed = [], collections.Counter()
    for a in read(landing, "alerts"):
        received, sent = moment(a["received_at"]), moment(a["delivered_at"])
        segment = segment_of(a)
        if a["suppressed"] == "false" and in_period(received):
            counted.append((segment, a["alert_code"], sent is not None and (sent - received).total_seconds() <= target))
        elif in_period(received):
            suppressed[segment] += 1
    figures = {}
    for segment in SMETS2_SEGMENTS + ["SMETS1", "All"]:
        within = [ok for s, _, ok in counted if segment in ("All", s)]
        figures[key("alerts.counted", segment)] = len(within)
        figures[key("alerts.suppressed", segment)] = (sum(suppressed.values()) if segment == "All"
                                                     else suppressed[segment])
        if within:
            figures[key("alerts.pct_within_sla", segment)] = share(sum(within), len(within))
    for code, late in collections.Counter(code for _, code, ok in counted if not ok).items():
        figures[key("alerts.late", code)] = late
    return figures
