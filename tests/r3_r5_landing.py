"""The hand-made landing of tests/test_report_r3_r5.py: October 2026 for the report
sections of Requirement 3 and Requirement 5.

It reuses the hand-made extracts of other tests, whose figures are worked out there:
the outages of tests/test_availability.py, the incidents of tests/test_cpm5.py, the
requests and responses of tests/test_rsvp.py, and adds:

- N1: an unplanned outage of rdi_gateway in the North only, Wed 21 Oct 12:55-13:15
  UTC (13:55-14:15 BST, 20 min, active band). Registration Data Interface, North
  view: E1 60 + E2 30 + N1 20 = 110 min in 3 runs; national view unchanged (90 min,
  2 runs).
- TRAFFIC: 12 North requests in the 10-minute bucket of 14:00 UK time (13:00 UTC
  before the clock change, 14:00 UTC after) on every Working Day of October except
  Tue 13 and Wed 21 Oct, each answered by I0 after 3 s. The extracts cover
  30 Sep 22:50 UTC (request B) to 31 Oct 23:30 UTC (request C), so the expected
  level of that bucket of a Working Day is the median over October's 22 Working
  Days: 20 days with 12, 2 with 0 -> 12. On 13 and 21 Oct, 0 observed against 12
  expected: ratio 0 <= 0.5, Anscombe z = 2 (sqrt(0.375) - sqrt(12.375)) = -5.81 <=
  -2.5, evidence 0 - 0 + 12 = 12 >= 10 -> one inferred spell each, in North and in
  All (no other request in those buckets). N1 overlaps the North spell of 21 Oct;
  for All only national outages count, so no recorded outage overlaps its spells.
  (A Wednesday with no request at all also leaves the IC1 install forecast of Wed
  28 Oct empty: with four Wednesdays of data, the single South install of Wed 14 Oct
  would forecast 0.25 installs, which the gate's whole-count check refuses.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from pmr.calendar import is_working_day
from tests.helpers import alert_row, write_csv
from tests.rsvp_landing import REQUESTS, RESPONSES, at, request, response
from tests.test_availability import OUTAGES, outage
from tests.test_cpm5 import INCIDENTS

DROP_DAYS = {dt.date(2026, 10, 13), dt.date(2026, 10, 21)}


def _traffic() -> tuple[list[dict], list[dict]]:
    requests, responses = [], []
    for day in (dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(31)):
        if not is_working_day(day) or day in DROP_DAYS:
            continue
        local = dt.datetime(day.year, day.month, day.day, 14, tzinfo=ZoneInfo("Europe/London"))
        start = local.astimezone(dt.timezone.utc)
        for i in range(12):
            received = (start + dt.timedelta(seconds=40 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            request_id = f"T{day:%m%d}-{i:02d}"
            requests.append(request(request_id, received))
            responses.append(response(request_id, at(received, 3), "I0"))
    return requests, responses


TRAFFIC, TRAFFIC_RESPONSES = _traffic()
EXTRA_OUTAGES = [outage("N1", "rdi_gateway", "2026-10-21T12:55:00Z", "2026-10-21T13:15:00Z", region="North")]


def write_landing(landing: Path) -> Path:
    write_csv(landing, "outages", OUTAGES + EXTRA_OUTAGES)
    write_csv(landing, "incidents", INCIDENTS)
    write_csv(landing, "service_requests", REQUESTS + TRAFFIC)
    write_csv(landing, "service_responses", RESPONSES + TRAFFIC_RESPONSES)
    # a month needs alerts to be published; one device alert in no business process's list
    write_csv(landing, "alerts", [alert_row("AL1", alert_code="8F0A")])
    return landing
