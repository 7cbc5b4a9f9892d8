"""The second implementation of IC1 and IC2's forecast and deviation (Install and
Commission), as tests/second_implementation.py does the others: plain Python from
metrics.md and the decision log, reference values from the seeds."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

from tests.second_implementation import (SEGMENTS, Requests, by_segment_and_device_type, in_period, key, moment,
                                         read)
from tests.second_implementation_rsvp import in_process, october_days, process_srvs, timing, uk_day

INSTALLED_TYPES = {"8.14.1": {"CHF"}, "8.1.1": {"ESME", "GSME"}}  # metrics.md §4, IC1


def segments_of(r: dict) -> tuple[str, str]:
    return r["segment"], "All"


def days_with_data(landing: Path) -> set[str]:
    """The UK days on which any Service Request at all was received, Transforms and
    rejected ones too (decision log: a day "has data")."""
    return {uk_day(moment(row["received_at"])) for row in read(landing, "service_requests")}


def install_trt(requests: Requests) -> dict:
    """ic.pct_trt_missed and its population ic.requests, by segment and device type."""
    srvs = process_srvs()["install_commission"]
    rows = [r for r in requests.rows if in_period(r["received"]) and not r["rejected"] and in_process(r, srvs)]
    # 100 - % within TRT, as the share that missed it
    return by_segment_and_device_type(rows, "ic.requests", "ic.pct_trt_missed",
                                      lambda r: not timing(r, requests.catalogue)[1])


def installs(requests: Requests, landing: Path, with_data: set[str] | None = None) -> dict:
    """ic.installs (each day and the month), ic.install_and_commission,
    ic.install_and_leave, and the forecast and deviation of each October day and of the month.
    `with_data`: the UK days with data, when `landing` holds only some of the requests
    (default: days_with_data of `landing`)."""
    counted = [r for r in requests.rows if not r["rejected"] and r["device_type"] in INSTALLED_TYPES.get(r["srv"], ())]
    figures = collections.Counter()
    successes = collections.Counter()  # (segment, UK day) -> successful installs of every type
    for r in counted:
        day = uk_day(r["received"])
        if r["success"]:
            for segment in segments_of(r):
                successes[segment, day] += 1
        if in_period(r["received"]):
            category = "success" if r["success"] else "failed"
            for segment in segments_of(r):
                for on in ("", day):
                    for device_type in ("", r["device_type"]):
                        figures[key("ic.installs", on, segment, device_type, category)] += 1
    for r in requests.rows:
        if in_period(r["received"]) and not r["rejected"] and r["srv"] in ("8.14.1", "8.14.2"):
            name = "ic.install_and_commission" if r["srv"] == "8.14.1" else "ic.install_and_leave"
            for segment in segments_of(r):
                figures[key(name, segment)] += 1
    figures = dict(figures)
    with_data = days_with_data(landing) if with_data is None else with_data
    for segment in SEGMENTS:
        forecasts = {}
        for day in october_days():
            earlier = [(dt.date.fromisoformat(day) - dt.timedelta(days=7 * weeks)).isoformat()
                       for weeks in (1, 2, 3, 4)]
            if all(d in with_data for d in earlier):
                forecasts[day] = sum(successes[segment, d] for d in earlier) / 4
                figures[key("ic.installs_predicted", day, segment)] = forecasts[day]
            if day in with_data and forecasts.get(day):
                actual = successes[segment, day]
                figures[key("ic.deviation", day, segment)] = (actual - forecasts[day]) / forecasts[day]
        if all(day in with_data and day in forecasts for day in october_days()):
            month_forecast = sum(forecasts.values())
            figures[key("ic.installs_predicted", segment)] = month_forecast
            if month_forecast:
                actual = sum(successes[segment, day] for day in october_days())
                figures[key("ic.deviation", segment)] = (actual - month_forecast) / month_forecast
    return figures
