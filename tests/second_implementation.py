"""A second, simple implementation of the PP1, CoS1, DF1-DF3, B1-B2, CH1-CH2, IC2
(major incidents open), Requirement 3 and Requirement 5 figures of October 2026.

Written from metrics.md and the decision log, not from the models: plain Python over
the landing's CSV files, row by row, with its own clock (zoneinfo) and availability
counted second by second. The reference values (response classes, the SRV catalogue,
the failure alerts, windows, incident targets, the planned cap, the services'
components, the bank holidays) are read from the seeds, as the models read them, so it
holds the rules whatever values the Operations Group sets. It reads only clean
landings (nothing quarantined, no re-delivered row, no conflicting versions) such as
tests/random_landing.py writes. Each function returns {figure key: value}, keyed as
`figure_key` keys a row of metrics.csv; `disagreements` lists the published figures
that differ from them.
"""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from pmr.metric_declarations import BREAKDOWNS
from tests.helpers import read_csv_rows, read_seed

UTC, UK = dt.timezone.utc, ZoneInfo("Europe/London")
START, END = dt.datetime(2026, 9, 30, 23, tzinfo=UTC), dt.datetime(2026, 11, 1, tzinfo=UTC)
SEGMENTS = ["North", "Central", "South", "SMETS1", "All"]


def key(metric_id: str, *breakdown: str) -> tuple:
    """A figure's key: its metric id and its non-empty breakdowns, in metrics.csv's column order."""
    return (metric_id,) + tuple(b for b in breakdown if b)


def figure_key(row: dict) -> tuple:
    """The key of a row of metrics.csv."""
    return key(row["metric_id"], *(row[b] for b in BREAKDOWNS))


def moment(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def in_period(t: dt.datetime | None) -> bool:
    return t is not None and START <= t < END


def read(landing: Path, source: str) -> list[dict]:
    return [row for path in sorted((landing / source).glob("*.csv")) for row in read_csv_rows(path)]


def segment_of(row: dict) -> str:
    """A request's or alert's segment: its CSP region, or SMETS1."""
    return row["csp_region"] if row["smets"] == "SMETS2" else "SMETS1"


def parameter(name: str) -> dt.timedelta:
    """A window of seeds/parameters.csv (in seconds, or in minutes for the planned cap)."""
    row = next(r for r in read_seed("parameters") if r["parameter"] == name)
    return dt.timedelta(**{{"s": "seconds", "min": "minutes"}[row["unit"]]: float(row["value"])})


class Requests:
    """Every request but the Transforms, with its final response and outcome."""

    def __init__(self, landing: Path):
        responses = collections.defaultdict(list)
        for row in read(landing, "service_responses"):
            responses[row["request_id"]].append((moment(row["response_at"]), row["response_code"]))
        failure_codes = {row["alert_code"] for row in read_seed("alert_codes") if row["marks_request_failed"] == "true"}
        named_failed = {a["request_id"] for a in read(landing, "alerts") if a["alert_code"] in failure_codes}
        classes = {row["response_code"]: row["class"] for row in read_seed("response_codes")}
        self.catalogue = {row["srv"]: row for row in read_seed("srv_catalogue")}
        self.rows = []
        for row in read(landing, "service_requests"):
            if row["command_variant"] == "4":
                continue
            answers = sorted(responses[row["request_id"]])
            non_device = self.catalogue[row["srv"]]["is_non_device"] == "true"
            final = [a for a in answers if a[1] != "I99"] or (answers if non_device else [])
            final_at, code = final[0] if final else (None, None)
            outcome = None if code is None else classes.get(code, "rejected" if code[0] == "E" else None)
            self.rows.append(dict(
                row, received=moment(row["received_at"]), final_at=final_at, code=code or "none",
                outcome=outcome, rejected=outcome == "rejected",
                success=outcome in ("success", "acknowledgement") and row["request_id"] not in named_failed,
                named_failed=row["request_id"] in named_failed,
                segment=segment_of(row)))

    def deliverable(self, srv: str) -> list[dict]:
        return [r for r in self.rows if r["srv"] == srv and not r["rejected"]]


def share(part, whole) -> float:
    return 100 * part / whole


def by_segment_and_device_type(rows: list[dict], count_id: str, share_id: str, counts) -> dict:
    """`count_id` (the rows) and `share_id` (the share of them `counts`) for each segment
    and device type, and all types together, over `rows` (dicts with `segment` and
    `device_type`); a request without a device type counts in all types only."""
    figures = {}
    for segment in SEGMENTS:
        of_segment = [r for r in rows if segment in ("All", r["segment"])]
        for device_type in {r["device_type"] for r in rows if r["device_type"]} | {""}:
            of_type = [r for r in of_segment if device_type in ("", r["device_type"])]
            figures[key(count_id, segment, device_type)] = len(of_type)
            if of_type:
                figures[key(share_id, segment, device_type)] = share(sum(map(counts, of_type)), len(of_type))
    return figures


def prepayment(requests: Requests) -> dict:
    month = [r for r in requests.deliverable("2.2") if in_period(r["received"])]
    figures = by_segment_and_device_type(month, "pp.requests", "pp.pct_success", lambda r: r["success"])
    for segment in SEGMENTS:
        rows = [r for r in month if segment in ("All", r["segment"])]
        figures[key("pp.successes", segment)] = sum(r["success"] for r in rows)
        figures[key("pp.failures", segment)] = sum(not r["success"] for r in rows)
    for code, count in collections.Counter(r["code"] for r in month if not r["success"]).items():
        figures[key("pp.failure_reasons", code)] = count
    histories = collections.defaultdict(list)
    for r in requests.deliverable("2.2"):
        histories[(r["user_id"], r["device_id"]) if r["device_id"] else r["request_id"]].append(r)
    chains, gap = [], parameter("pp_chain_gap_s")
    for attempts in histories.values():
        chain = None
        for r in sorted(attempts, key=lambda r: (r["received"], r["request_id"])):
            if chain is None or chain[-1]["success"] or r["received"] - chain[-1]["received"] > gap:
                chain = [r]
                chains.append(chain)
            else:
                chain.append(r)
    followed_to = END + parameter("pp_chain_follow_up_s")
    outcomes = collections.Counter()
    for chain in chains:
        if in_period(chain[0]["received"]):
            tried = [r["success"] for r in chain if r["received"] < followed_to]
            first = tried.index(True) + 1 if True in tried else None
            outcomes["never" if first is None else "3+" if first >= 3 else str(first)] += 1
    figures[key("pp.chains")] = sum(outcomes.values())
    for category in ("1", "2", "3+", "never"):
        figures[key("pp.attempts", category)] = share(outcomes[category], sum(outcomes.values()))
    return figures


def non_communicating(requests: Requests) -> dict:
    """Devices read (deliverable 4.6.1 with a device id) in the month, per segment, and
    the share of them with no successful read there; in All a device counts once."""
    reads = [r for r in requests.deliverable("4.6.1") if in_period(r["received"]) and r["device_id"]]
    figures = {}
    for segment in SEGMENTS:
        read_successfully = collections.defaultdict(bool)
        for r in reads:
            if segment in ("All", r["segment"]):
                read_successfully[r["device_id"]] |= r["success"]
        figures[key("pp.devices_read", segment)] = len(read_successfully)
        if read_successfully:
            figures[key("pp.pct_non_communicating", segment)] = share(
                sum(not ok for ok in read_successfully.values()), len(read_successfully))
    return figures


def change_of_supplier(requests: Requests) -> dict:
    successes = collections.defaultdict(list)
    for r in requests.rows:
        if r["success"] and r["device_id"]:
            successes[(r["user_id"], r["device_id"])].append(r["received"])
    verdicts, window = [], parameter("cos_correction_window_s")
    for r in requests.deliverable("6.23"):
        if in_period(r["received"]):
            later = successes[(r["user_id"], r["device_id"])] if r["device_id"] else []
            corrected = any(r["received"] < t <= r["received"] + window for t in later)
            verdicts.append(dict(r, ok=r["success"] or corrected))
    figures = by_segment_and_device_type(verdicts, "cos.requests", "cos.pct_success", lambda r: r["ok"])
    for code, count in collections.Counter(r["code"] for r in verdicts if not r["ok"]).items():
        figures[key("cos.failures", code)] = count
    return figures


def firmware(requests: Requests, landing: Path) -> dict:
    images = [r for r in requests.deliverable("11.1") if in_period(r["received"])]
    delivery, verification = parameter("fw_delivery_window_s"), parameter("fw_verification_window_s")
    delivered = [r for r in images if r["success"] and r["final_at"] <= r["received"] + delivery]
    alerts = [(a["alert_code"], a["device_id"], moment(a["received_at"])) for a in read(landing, "alerts")
              if a["alert_code"] in ("8F72", "8F1C")]
    verdicts = collections.Counter()
    for r in delivered:
        window_end = r["final_at"] + verification
        codes = {code for code, device, t in alerts
                 if r["device_id"] and device == r["device_id"] and r["final_at"] <= t <= window_end}
        verdicts["8F72" if "8F72" in codes else "8F1C" if "8F1C" in codes else "none"] += 1
    activations = [r for r in requests.deliverable("11.3") if in_period(r["received"])]
    figures = {key("fw.requested"): len(images), key("fw.delivered"): len(delivered),
               key("fw.pct_delivered"): share(len(delivered), len(images)),
               key("fw.pct_verified"): share(verdicts["8F72"], len(delivered)),
               key("fw.pct_verification_failed"): share(verdicts["8F1C"], len(delivered)),
               key("fw.pct_no_verification_alert"): share(verdicts["none"], len(delivered)),
               key("fw.activation_requests"): len(activations),
               key("fw.pct_activated"): share(sum(r["success"] for r in activations), len(activations))}
    for code, count in collections.Counter(r["code"] for r in activations if not r["success"]).items():
        figures[key("fw.activation_failures", code)] = count
    return figures


def hub_firmware(landing: Path) -> dict:
    """CH1 and CH2: the month's Communications Hub firmware events, by kind."""
    events = collections.Counter(e["event"] for e in read(landing, "ch_firmware_events")
                                 if in_period(moment(e["event_at"])))
    deliveries = events["image_delivered"] + events["delivery_failed"]
    outcomes = events["activated"] + events["activation_failed"]
    return {key("chfw.deliveries"): deliveries, key("chfw.activation_outcomes"): outcomes,
            key("chfw.pct_delivered"): share(events["image_delivered"], deliveries),
            key("chfw.pct_activated"): share(events["activated"], outcomes)}


def billing(requests: Requests) -> dict:
    schedules = [r for r in requests.deliverable("5.1") if in_period(r["received"])]
    reads = [r for r in requests.deliverable("4.6.1") if in_period(r["received"])]
    scheduled = [r for r in reads if r["execution_at"]]
    on_demand = [r for r in reads if not r["execution_at"]]
    window = parameter("billing_read_window_s")
    answered = [r["final_at"] is not None and r["final_at"] <= moment(r["execution_at"]) + window for r in scheduled]
    return {key("billing.schedules"): len(schedules), key("billing.scheduled_reads"): len(scheduled),
            key("billing.on_demand_reads"): len(on_demand),
            key("billing.pct_schedule_success"): share(sum(r["success"] for r in schedules), len(schedules)),
            key("billing.pct_on_demand_read_success"): share(sum(r["success"] for r in on_demand), len(on_demand)),
            key("billing.pct_read_within_24h"): share(sum(answered), len(scheduled))}


def availability(landing: Path) -> dict:
    """Every second of the month: unplanned-down, planned or up, per service and view."""
    seconds = int((END - START).total_seconds())
    minutes = [(START + dt.timedelta(minutes=m)).astimezone(UK) for m in range(seconds // 60)]
    days = sorted({m.date() for m in minutes})
    day_of = np.repeat([days.index(m.date()) for m in minutes], 60)  # each second's UK day, as an index of days
    active = np.repeat([(m.weekday() < 5 and 8 <= m.hour < 20) or (m.weekday() == 5 and 8 <= m.hour < 12)
                        for m in minutes], 60)
    outages = read(landing, "outages")
    cap = int(parameter("planned_maintenance_cap_min").total_seconds())
    services = collections.defaultdict(set)
    for row in read_seed("service_components"):
        services[row["service"]].add(row["component"])
    figures = {}
    for service, components in services.items():
        for view in ("All", "North", "Central", "South"):
            unplanned, planned = np.zeros(seconds, bool), np.zeros(seconds, bool)
            for o in outages:
                if o["component"] in components and o["csp_region"] in ("", view):
                    first = max(moment(o["started_at"]), START)
                    last = min(moment(o["ended_at"]) or END, END)
                    if first < last:
                        span = slice(int((first - START).total_seconds()), int((last - START).total_seconds()))
                        (planned if o["planned"] == "true" else unplanned)[span] = True
            planned &= ~unplanned
            excluded = planned & (np.cumsum(planned) <= cap)
            down = unplanned | (planned & ~excluded)
            uptime = seconds - excluded.sum()
            figures[key("availability.pct", view, service)] = share(uptime - down.sum(), uptime)
            figures[key("availability.unplanned_downtime_h", view, service)] = down.sum() / 3600
            figures[key("availability.excluded_planned_h", view, service)] = excluded.sum() / 3600
            figures[key("availability.planned_over_cap_h", view, service)] = (planned & ~excluded).sum() / 3600
            outages_count = int(down[0]) + int((down[1:] & ~down[:-1]).sum())
            figures[key("reliability.outages", view, service)] = outages_count
            if outages_count:
                figures[key("reliability.mttr_h", view, service)] = down.sum() / 3600 / outages_count
                figures[key("reliability.mtbf_h", view, service)] = (uptime - down.sum()) / 3600 / outages_count
            for band, mask in (("active", active), ("inactive", ~active)):
                band_uptime = mask.sum() - (excluded & mask).sum()
                figures[key("availability.pct", view, service, band)] = share(band_uptime - (down & mask).sum(),
                                                                              band_uptime)
            day_seconds, day_excluded, day_down = (np.bincount(day_of, weights=w, minlength=len(days))
                                                   for w in (None, excluded, down))
            for i, day in enumerate(days):
                day_uptime = day_seconds[i] - day_excluded[i]
                figures[key("availability.pct", day.isoformat(), view, service)] = share(day_uptime - day_down[i],
                                                                                         day_uptime)
    return figures


def bank_holidays() -> set[str]:
    """The bank holidays' dates (YYYY-MM-DD), from the seed the models read."""
    return {row["holiday_date"] for row in read_seed("uk_bank_holidays")}


def is_working_day(day: dt.date, holidays: set[str]) -> bool:
    return day.weekday() < 5 and day.isoformat() not in holidays


def working_days_after(t: dt.datetime, n: int, holidays: set[str]) -> dt.datetime:
    """Step forward n Working Days from t's UK date, at t's UK time of day."""
    local = t.astimezone(UK)
    day = local.date()
    while n:
        day += dt.timedelta(days=1)
        n -= is_working_day(day, holidays)
    return dt.datetime.combine(day, local.time(), tzinfo=UK).astimezone(UTC)


def deadline(raised: dt.datetime, amount: str, unit: str, holidays: set[str]) -> dt.datetime:
    if unit == "hours":
        return raised + dt.timedelta(hours=float(amount))
    assert unit == "working_days", unit
    return working_days_after(raised, int(amount), holidays)


def incidents(landing: Path) -> dict:
    latest = {}
    for row in read(landing, "incidents"):
        stamp = max(moment(row[c]) for c in ("raised_at", "responded_at", "resolved_at", "closed_at") if row[c])
        if row["incident_id"] not in latest or stamp > latest[row["incident_id"]][0]:
            latest[row["incident_id"]] = (stamp, row)
    rows = [dict(row, category=int(row["category"]), raised=moment(row["raised_at"]),
                 responded=moment(row["responded_at"]), resolved=moment(row["resolved_at"]),
                 closed=moment(row["closed_at"])) for _, row in latest.values()]
    holidays = bank_holidays()
    targets = {int(row["category"]): row for row in read_seed("incident_targets")}
    figures = {}
    for category in range(1, 6):
        of_category = [r for r in rows if r["category"] == category]
        raised = [r for r in of_category if in_period(r["raised"])]
        figures[key("reliability.incidents_all", str(category))] = len(raised)
        figures[key("reliability.incidents", str(category))] = sum(category < 3 or r["responsible_party"] == "DCC"
                                                                   for r in raised)
        if category < 3:
            continue
        dcc = [r for r in of_category if r["responsible_party"] == "DCC"]
        closed = [r for r in dcc if in_period(r["closed"] or r["resolved"])]
        target = targets[category]
        responded = sum(r["responded"] is not None and r["responded"] <= deadline(
            r["raised"], target["response_target"], target["response_unit"], holidays) for r in closed)
        resolved = sum(r["resolved"] is not None and r["resolved"] <= deadline(
            r["raised"], target["resolution_target"], target["resolution_unit"], holidays) for r in closed)
        figures[key("cpm5.closed", str(category))] = len(closed)
        figures[key("cpm5.raised", str(category))] = sum(in_period(r["raised"]) for r in dcc)
        figures[key("cpm5.response_met", str(category))] = responded
        figures[key("cpm5.resolution_met", str(category))] = resolved
        if closed:
            figures[key("cpm5.pct_response_met", str(category))] = share(responded, len(closed))
            figures[key("cpm5.pct_resolution_met", str(category))] = share(resolved, len(closed))
        hours = sorted((r["resolved"] - r["raised"]).total_seconds() / 3600 for r in closed if r["resolved"])
        if hours:
            figures[key("cpm5.mean_resolution_h", str(category))] = sum(hours) / len(hours)
            middle = (hours[(len(hours) - 1) // 2] + hours[len(hours) // 2]) / 2
            figures[key("cpm5.median_resolution_h", str(category))] = middle
    for name in ("reliability.incidents", "reliability.incidents_all"):
        figures[key(name)] = sum(figures[key(name, str(c))] for c in range(1, 6))
    still_open = dt.datetime.max.replace(tzinfo=UTC)
    day = dt.date(2026, 10, 1)
    while day.month == 10:
        opens = dt.datetime.combine(day, dt.time(), tzinfo=UK)
        closes = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=UK)
        figures[key("ic.major_incidents_open", day.isoformat())] = sum(
            r["category"] <= 2 and r["raised"] < closes and (r["resolved"] or r["closed"] or still_open) > opens
            for r in rows)
        day += dt.timedelta(days=1)
    return figures


def disagreements(published: dict, expected: dict, metric_ids: set[str], counts: set[str] = frozenset()) -> list:
    """Figures of `metric_ids` that differ, or that only one side has (an empty value
    published is no figure). A count of `counts` that one side lacks reads 0 there:
    which empty breakdowns get a row of 0 is the models' choice, not a figure."""
    mine = {k: v for k, v in published.items() if k[0] in metric_ids and v is not None}
    assert set(k[0] for k in expected) <= metric_ids, "the second implementation computes an id not compared"
    missing = {k: 0 for k in set(mine) | set(expected) if k[0] in counts}
    mine, expected = missing | mine, missing | expected
    return [(k, expected.get(k), mine.get(k)) for k in sorted(set(mine) | set(expected))
            if k not in mine or k not in expected or mine[k] != pytest.approx(expected[k], rel=1e-9, abs=1e-9)]
