"""The hand-made landing folder of tests/test_outcomes.py (Requirement 2, metrics.md
§4): every rule exercised, and every figure the tests expect worked out by hand in
the comments beside the rows.

Month 2026-10 runs from 2026-09-30T23:00Z to 2026-11-01T00:00Z (BST until 01:00Z on
25 October). 1 October 2026 is a Thursday. Requests are SMETS2 South ESME variant 1
unless stated.
"""

import datetime as dt
from pathlib import Path

from tests.helpers import write_csv


def at(iso: str, seconds: float = 0) -> str:
    moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")) + dt.timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


HOUR, DAY = 3600, 86400

REQUESTS: list[dict] = []
RESPONSES: list[dict] = []
ALERTS: list[dict] = []


def req(request_id, received, srv, code=None, after=1.0, variant=1, device="ESME", smets="SMETS2",
        region="South", user="SUP001", device_id=None, execution=None, ack_only=False):
    """One request and, unless code is None, its final response `after` seconds
    after the clock start (execution_at when given). ack_only: an I99 only."""
    REQUESTS.append(dict(
        request_id=request_id, received_at=received, user_id=user, user_role="IS", srv=srv,
        command_variant=variant, device_id=device_id or f"dev-{request_id}", device_type=device, smets=smets,
        csp_region=region if smets == "SMETS2" else None, execution_at=execution, dsp_processing_ms=100))
    start = execution or received
    if ack_only:
        RESPONSES.append(dict(request_id=request_id, response_at=at(start, after), response_code="I99"))
    elif code is not None:
        RESPONSES.append(dict(request_id=request_id, response_at=at(start, after), response_code=code))


def alert(alert_id, code, received, device_id="dev-x", request_id=None, suppressed=False):
    ALERTS.append(dict(
        alert_id=alert_id, alert_code=code, alert_kind="dcc" if code[0] in "AN" else "device",
        device_id=device_id, device_type="ESME", smets="SMETS2", csp_region="South", user_id="SUP001",
        request_id=request_id, received_at=received,
        delivered_at=None if suppressed else at(received, 1), suppressed="true" if suppressed else "false"))


# --- IC1 / IC2: installs, the forecast and its history -------------------------
# Forecast of Thursday 1 October: the Thursdays 3, 10, 17 and 24 September.
# South successful installs: 2, 4, 0 (a day with data but no installs), 6; North: 0, 0, 0, 1.
for n in range(2):
    req(f"h03-{n}", "2026-09-03T09:00:00Z", "8.14.1", "I0", variant=8, device="CHF")
for n in range(4):
    req(f"h10-{n}", "2026-09-10T09:00:00Z", "8.14.1", "I0", variant=8, device="CHF")
req("h17-filler", "2026-09-17T09:00:00Z", "3.5", "I0")  # data on 17 September, no installs
for n in range(6):
    req(f"h24-{n}", "2026-09-24T09:00:00Z", "8.1.1", "I0", variant=5)
req("h24-north", "2026-09-24T10:00:00Z", "8.1.1", "I0", variant=5, device="GSME", region="North")
req("h24-failed", "2026-09-24T11:00:00Z", "8.1.1", "E21", variant=5)  # failed: not in the forecast

# October installs
req("i1", "2026-10-01T08:00:00Z", "8.14.1", after=2, variant=8, device="CHF", ack_only=True)  # I99 only: success
req("i2", "2026-10-01T08:10:00Z", "8.1.1", "I0", variant=4)                 # Transform: never counted
req("i3", "2026-10-01T08:11:00Z", "8.1.1", "E21", after=40, variant=5)      # ESME failed; TRT missed (40 s)
req("i4", "2026-10-01T08:12:00Z", "8.1.1", "E1", variant=5, device="GSME")  # rejected: not counted
req("i5", "2026-10-02T09:00:00Z", "8.1.1", "I0", after=5, variant=5, device="GSME", region="North")  # success
req("i6", "2026-10-02T09:01:00Z", "8.1.1", "I0", after=10, variant=5, region="North")  # N12 below: failed
req("i7", "2026-10-02T09:02:00Z", "8.14.2", "I0", variant=8, device="CHF", region="North")  # Install and Leave
req("i8", "2026-10-02T09:03:00Z", "8.1.1", "I0", after=50, variant=5, device="PPMID", region="North")  # not an install
req("i9", "2026-10-02T09:04:00Z", "8.1.1", "I0", after=3, variant=5, smets="SMETS1")  # SMETS1 ESME success
req("i10", "2026-10-02T09:06:00Z", "8.1.1", "I0", after=45, variant=5, device=None, region="North")  # no type; missed
alert("n-i6", "N12", "2026-10-02T09:05:00Z", request_id="i6")

INCIDENTS = [
    # Category 2 raised in September, closed (never resolved) 2 October: open 1 and 2 October
    dict(incident_id="INC1", category=2, raised_at="2026-09-29T10:00:00Z", closed_at="2026-10-02T12:00:00Z",
         responsible_party="DCC"),
    # Category 1 over the night of 5-6 October: open 5 and 6 October
    dict(incident_id="INC2", category=1, raised_at="2026-10-05T10:00:00Z", responded_at="2026-10-05T10:10:00Z",
         resolved_at="2026-10-06T02:00:00Z", closed_at="2026-10-07T09:00:00Z", responsible_party="CSP North"),
    # Category 2 resolved at exactly midnight BST (23:00Z): open 10 October only
    dict(incident_id="INC3", category=2, raised_at="2026-10-10T20:00:00Z", resolved_at="2026-10-10T23:00:00Z",
         responsible_party="DCC"),
    # Category 3: not a major incident
    dict(incident_id="INC4", category=3, raised_at="2026-10-05T10:00:00Z", responsible_party="DCC"),
    # Category 1 raised 23:30 GMT on 31 October, still open
    dict(incident_id="INC5", category=1, raised_at="2026-10-31T23:30:00Z", responsible_party="DCC"),
]

# --- CoS1: 6.23 and its corrections ---------------------------------------------
req("c1", "2026-10-12T10:00:00Z", "6.23", "I0", user="U1", device_id="D1")            # success
req("c2", "2026-10-12T10:00:00Z", "6.23", "E21", user="U2", device_id="D2")           # corrected after 6 days
req("c2-ok", at("2026-10-12T10:00:00Z", 6 * DAY), "3.5", "I0", user="U2", device_id="D2")
req("c3", "2026-10-12T10:00:00Z", "6.23", "E20", user="U3", device_id="D3")           # "corrected" too late
req("c3-late", at("2026-10-12T10:00:00Z", 7 * DAY + HOUR), "3.5", "I0", user="U3", device_id="D3")
req("c4", "2026-10-12T10:00:00Z", "6.23", "E21", user="U4", device_id="D4")           # "corrected" by another User
req("c4-other", at("2026-10-12T10:00:00Z", DAY), "3.5", "I0", user="U5", device_id="D4")
req("c5", "2026-10-12T10:00:00Z", "6.23", None, user="U6", device_id="D5")            # no response at all
req("c6", "2026-10-12T10:00:00Z", "6.23", "I0", user="U7", device_id="D6")            # N13 below: not a success
alert("n-c6", "N13", "2026-10-12T10:01:00Z", request_id="c6")
req("c7", "2026-10-12T10:00:00Z", "6.23", "E1", user="U8", device_id="D7")            # rejected: not counted
req("c8", "2026-10-12T10:00:00Z", "6.23", "E21", user="U8", device_id="D8", device="GSME")
req("c8-fail", at("2026-10-12T10:00:00Z", HOUR), "3.5", "E21", user="U8", device_id="D8", device="GSME")
req("c8-transform", at("2026-10-12T10:00:00Z", 2 * HOUR), "3.5", "I0", variant=4, user="U8", device_id="D8",
    device="GSME")                                                                    # a Transform does not correct
req("c9", "2026-10-13T10:00:00Z", "6.23", "E21", user="U9", device_id="D9", region="Central")  # corrected by c10
req("c10", "2026-10-13T11:00:00Z", "6.23", "I0", user="U9", device_id="D9", region="Central")
req("c11", "2026-10-28T10:00:00Z", "6.23", "E21", user="U10", device_id="D10")        # corrected at exactly 7 x 24 h,
req("c11-ok", at("2026-10-28T10:00:00Z", 7 * DAY), "3.5", "I0", user="U10", device_id="D10")  # in November

# --- B1 / B2: schedules and reads -------------------------------------------------
req("b1", "2026-10-14T10:00:00Z", "5.1", "I0", variant=8)                 # success
req("b2", "2026-10-14T10:01:00Z", "5.1", variant=8, ack_only=True)        # Non-Device I99 only: success
req("b3", "2026-10-14T10:02:00Z", "5.1", None, variant=8)                 # no response: not a success
req("b4", "2026-10-14T10:03:00Z", "5.1", "E3", variant=8)                 # rejected
EXEC = "2026-10-15T01:00:00Z"
req("r1", "2026-10-15T00:59:00Z", "4.6.1", "I0", after=10, execution=EXEC, device_id="DR1")
req("r2", "2026-10-15T00:59:01Z", "4.6.1", "I0", after=25 * HOUR, execution=EXEC, device_id="DR2")  # after 24 h
req("r3", "2026-10-15T00:59:02Z", "4.6.1", "E21", after=HOUR, execution=EXEC, device_id="DR3")  # a failure, in time
req("r4", "2026-10-15T00:59:03Z", "4.6.1", None, execution=EXEC, device_id="DR4", region="North")  # never answered
req("r5", "2026-10-15T00:59:04Z", "4.6.1", "I0", after=24 * HOUR, execution=EXEC, device_id="DR1")  # exactly 24 h
req("r6", "2026-10-15T00:59:05Z", "4.6.1", "E1", execution=EXEC, device_id="DR8", region="Central")  # rejected
req("o1", "2026-10-16T10:00:00Z", "4.6.1", "I0", device_id="DR5", region="North")
req("o2", "2026-10-16T10:01:00Z", "4.6.1", "E21", device_id="DR3")
req("o3", "2026-10-16T10:02:00Z", "4.6.1", "I0", device_id="DR6", smets="SMETS1")  # N12 below
alert("n-o3", "N12", "2026-10-16T10:03:00Z", request_id="o3")
req("o4", "2026-10-16T10:03:00Z", "4.6.1", "I0", device_id="DR7", smets="SMETS1")

# --- PP1: top-up chains (2.2) --------------------------------------------------------
req("a1", "2026-10-03T08:00:00Z", "2.2", "I0", user="U1", device_id="P1")            # chain A: 1
req("b1x", "2026-10-03T08:00:00Z", "2.2", "E21", user="U1", device_id="P2")          # chain B: 2
req("b2x", "2026-10-03T09:00:00Z", "2.2", "I0", user="U1", device_id="P2")
req("h1", "2026-10-03T08:30:00Z", "2.2", "E21", user="U5", device_id="P2", region="Central")  # other User: never
req("c1x", "2026-10-04T08:00:00Z", "2.2", "E21", user="U2", device_id="P3")          # chain C: 3+
req("c2x", "2026-10-04T20:00:00Z", "2.2", "E20", user="U2", device_id="P3")
req("c3x", "2026-10-05T07:00:00Z", "2.2", "I0", user="U2", device_id="P3")
req("c4x", "2026-10-05T08:00:00Z", "2.2", "E21", user="U2", device_id="P3")          # after a success: new chain, never
req("d1x", "2026-10-06T08:00:00Z", "2.2", "E21", user="U2", device_id="P4")          # chain D1: never
req("d2x", "2026-10-07T09:00:00Z", "2.2", "I0", user="U2", device_id="P4")           # 25 h later: chain D2: 1
req("e1x", "2026-10-09T08:00:00Z", "2.2", "E21", user="U3", device_id="P5")          # chain E: 2
req("e2x", "2026-10-09T10:00:00Z", "2.2", "E1", user="U3", device_id="P5")           # rejected: not an attempt
req("e3x", "2026-10-09T12:00:00Z", "2.2", "I0", user="U3", device_id="P5")
req("f1x", "2026-10-09T08:00:00Z", "2.2", "I0", user="U3", device_id="P6", device="GSME")  # N12 below
alert("n-f1x", "N12", "2026-10-09T08:00:30Z", request_id="f1x")
req("f2x", "2026-10-09T09:00:00Z", "2.2", "I0", user="U3", device_id="P6", device="GSME")  # chain F: 2
req("g1x", "2026-09-30T20:00:00Z", "2.2", "E21", user="U4", device_id="P7", device="GSME", region="North")
req("g2x", "2026-10-01T10:00:00Z", "2.2", "E21", user="U4", device_id="P7", device="GSME", region="North")
req("g3x", "2026-10-01T12:00:00Z", "2.2", "I0", user="U4", device_id="P7", device="GSME", region="North")
req("i1x", "2026-10-31T22:00:00Z", "2.2", None, user="U6", device_id="P9", smets="SMETS1")  # chain I: 2,
req("i2x", "2026-11-01T06:00:00Z", "2.2", "I0", user="U6", device_id="P9", smets="SMETS1")  # ends in November

# --- DF1-DF3: device firmware ----------------------------------------------------------
req("f1", "2026-10-02T10:00:00Z", "11.1", "I0", after=DAY, variant=8, device_id="F1")        # delivered, verified
alert("v-f1", "8F72", "2026-10-04T10:00:00Z", device_id="F1")
req("f2", "2026-10-02T10:00:00Z", "11.1", "I0", after=6 * DAY, variant=8, device_id="F2")    # after 5 days
alert("v-f2", "8F72", "2026-10-09T10:00:00Z", device_id="F2")
req("f3", "2026-10-03T10:00:00Z", "11.1", "I0", after=DAY, variant=8, device_id="F3")        # verification failed
alert("v-f3", "8F1C", "2026-10-06T10:00:00Z", device_id="F3")
req("f4", "2026-10-03T10:00:00Z", "11.1", "I0", after=HOUR, variant=8, device_id="F4")       # 8F72 too late: no alert
alert("v-f4", "8F72", at("2026-10-03T11:00:00Z", 5 * DAY + HOUR), device_id="F4")
req("f5", "2026-10-04T10:00:00Z", "11.1", "I0", after=2 * HOUR, variant=8, device_id="F5")   # 8F1C then 8F72: verified
alert("v-f5a", "8F1C", "2026-10-04T14:00:00Z", device_id="F5")
alert("v-f5b", "8F72", "2026-10-05T12:00:00Z", device_id="F5", suppressed=True)
req("f6", "2026-10-04T10:00:00Z", "11.1", "E21", variant=8, device_id="F6")                  # not delivered
req("f8", "2026-10-04T10:00:00Z", "11.1", "E3", variant=8, device_id="F8")                   # rejected
req("f9", "2026-10-05T10:00:00Z", "11.1", "I0", after=HOUR, variant=8, device_id="F9")       # another device's 8F72
alert("v-f9", "8F72", "2026-10-05T12:00:00Z", device_id="F1")
req("t1", "2026-10-06T10:00:00Z", "11.3", "I0", variant=4, device_id="T1")                   # Transform
req("t2", "2026-10-06T10:01:00Z", "11.3", "I0", variant=5, device_id="T1")
req("t3", "2026-10-06T10:02:00Z", "11.3", "I0", variant=5, device_id="T2")
req("t4", "2026-10-06T10:03:00Z", "11.3", "E21", variant=6, device_id="T3")
req("t5", "2026-10-06T10:04:00Z", "11.3", "E2", variant=5, device_id="T4")                   # rejected
req("t6", "2026-10-06T10:05:00Z", "11.3", variant=5, device_id="T5")                        # no response

# --- CH1 / CH2: hub firmware events -------------------------------------------------------
CH_EVENTS = [
    dict(ch_id="CH1", csp_region="North", firmware_version="2.1", event="image_delivered", event_at="2026-10-03T10:00:00Z"),
    dict(ch_id="CH2", csp_region="North", firmware_version="2.1", event="image_delivered", event_at="2026-10-03T10:00:00Z"),
    dict(ch_id="CH3", csp_region="South", firmware_version="2.1", event="image_delivered", event_at="2026-10-31T23:30:00Z"),
    dict(ch_id="CH4", csp_region="South", firmware_version="2.1", event="delivery_failed", event_at="2026-10-04T10:00:00Z"),
    dict(ch_id="CH5", csp_region="South", firmware_version="2.1", event="image_delivered", event_at="2026-09-30T22:30:00Z"),
    dict(ch_id="CH1", csp_region="North", firmware_version="2.1", event="activated", event_at="2026-10-05T10:00:00Z"),
    dict(ch_id="CH2", csp_region="North", firmware_version="2.1", event="activation_failed", event_at="2026-10-05T10:00:00Z"),
    dict(ch_id="CH3", csp_region="South", firmware_version="2.1", event="activated", event_at="2026-10-06T10:00:00Z"),
    dict(ch_id="CH6", csp_region="South", firmware_version="2.1", event="activation_failed", event_at="2026-11-01T00:00:00Z"),
    dict(ch_id="CH7", csp_region="South", firmware_version="2.1", event="activation_failed", event_at="2026-10-07T10:00:00Z"),
]


def write_landing(landing: Path) -> None:
    write_csv(landing, "service_requests", REQUESTS)
    write_csv(landing, "service_responses", RESPONSES)
    write_csv(landing, "alerts", ALERTS)
    write_csv(landing, "incidents", INCIDENTS)
    write_csv(landing, "ch_firmware_events", CH_EVENTS)
