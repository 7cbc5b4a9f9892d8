"""A hand-made landing of October 2026 for Requirement 1 (RSVP) and A1: service requests,
responses, alerts and CSP test messages, each row's part in the figures noted beside it.
The month runs from 2026-09-30T23:00Z to 2026-11-01T00:00Z (BST ends at 01:00Z on 25
October). test_rsvp.py works out every figure from it by hand; the report tests publish it."""

import datetime as dt
from pathlib import Path

from tests.helpers import write_csv

MONTH = "2026-10"


def at(iso: str, seconds: float = 0) -> str:
    moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")) + dt.timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def request(request_id, received, srv="2.2", variant=1, device="ESME", smets="SMETS2", region="North",
            execution=None, dsp=None, user="SUP001"):
    return dict(request_id=request_id, received_at=received, user_id=user, user_role="IS", srv=srv,
                command_variant=variant, device_id=f"dev-{request_id}", device_type=device, smets=smets,
                csp_region=region if smets == "SMETS2" else None, execution_at=execution, dsp_processing_ms=dsp)


REQUESTS = [
    # prepayment_top_up (2.2)
    request("A", "2026-09-30T23:30:00Z", dsp=200),   # 00:30 BST 1 Oct: October. RTT 4
    request("B", "2026-09-30T22:59:59Z"),            # 23:59:59 BST 30 Sep: September, not counted
    request("C", "2026-10-31T23:30:00Z", dsp=400),   # 23:30 GMT 31 Oct: October. RTT 40 (> TRT)
    request("D", "2026-11-01T00:00:00Z"),            # midnight GMT 1 Nov: November
    request("E", "2026-10-25T00:30:00Z"),            # 01:30 BST 25 Oct (first 01:30). E21 at 35 s
    request("F", "2026-10-25T01:30:00Z"),            # 01:30 GMT 25 Oct (second 01:30). E1: rejected
    request("G", "2026-10-10T10:00:00Z", dsp=600),   # I0 at 10 s, then an N12 names it: failed
    request("H", "2026-10-10T11:00:00Z"),            # no response at all: failed
    request("I", "2026-10-10T12:00:00Z", device="GSME", region="Central"),  # RTT 20
    request("J", "2026-10-10T12:00:00Z", smets="SMETS1"),                   # RTT 6
    # 1.1.1: a Transform (never counted) and its signed pre-command; a Future-Dated one
    request("K", "2026-10-12T09:00:00Z", srv="1.1.1", variant=4, region="South"),
    request("L", "2026-10-12T09:01:00Z", srv="1.1.1", variant=5, region="South"),  # RTT 12.5
    request("M", "2026-10-12T09:00:00Z", srv="1.1.1", variant=5, region="South",
            execution="2026-10-13T02:00:00Z"),                                     # RTT 25 from execution
    # Non-Device 8.14.1: one ends with I99 only (that is its final response), one has no response
    request("N", "2026-10-14T10:00:00Z", srv="8.14.1", variant=8, device="CHF", region="South"),  # RTT 2
    request("P", "2026-10-14T12:00:00Z", srv="8.14.1", variant=8, device="CHF", region="South"),  # failed
    # Device Certificate Update (6.15.2) has this one request, a signed pre-command rejected (E1):
    # nothing deliverable
    request("Q", "2026-10-10T12:00:00Z", srv="6.15.2", variant=5, region="South"),
]


def response(request_id, when, code):
    return dict(request_id=request_id, response_at=when, response_code=code)


RESPONSES = [
    response("A", at("2026-09-30T23:30:00Z", 1), "I99"),
    response("A", at("2026-09-30T23:30:00Z", 4), "I0"),
    response("B", at("2026-09-30T22:59:59Z", 2), "I0"),
    response("C", at("2026-10-31T23:30:00Z", 40), "I0"),
    response("D", at("2026-11-01T00:00:00Z", 2), "I0"),
    response("E", at("2026-10-25T00:30:00Z", 1), "I99"),
    response("E", at("2026-10-25T00:30:00Z", 35), "E21"),
    response("F", at("2026-10-25T01:30:00Z", 0.5), "E1"),
    response("G", at("2026-10-10T10:00:00Z", 10), "I0"),
    response("I", at("2026-10-10T12:00:00Z", 1), "I99"),
    response("I", at("2026-10-10T12:00:00Z", 20), "I0"),
    response("J", at("2026-10-10T12:00:00Z", 6), "I0"),
    response("K", at("2026-10-12T09:00:00Z", 1), "I0"),
    response("L", at("2026-10-12T09:01:00Z", 1), "I99"),
    response("L", at("2026-10-12T09:01:00Z", 12.5), "I0"),
    response("M", at("2026-10-12T09:00:00Z", 1), "I99"),
    response("M", at("2026-10-13T02:00:00Z", 25), "I0"),
    response("N", at("2026-10-14T10:00:00Z", 2), "I99"),
    response("Q", at("2026-10-10T12:00:00Z", 0.5), "E1"),
]


def alert(alert_id, code, received, delivered_after=None, region="North", smets="SMETS2", suppressed=False,
          request_id=None):
    return dict(alert_id=alert_id, alert_code=code, alert_kind="dcc" if code[0] in "AN" else "device",
                device_id="dev-x", device_type="ESME", smets=smets, csp_region=region if smets == "SMETS2" else None,
                user_id="SUP001", request_id=request_id, received_at=received,
                delivered_at=None if delivered_after is None else at(received, delivered_after),
                suppressed="true" if suppressed else "false")


ALERTS = [
    alert("a1", "AD1", "2026-10-05T08:00:00Z", 5),
    alert("a2", "8F35", "2026-10-05T08:10:00Z", 90),
    alert("a3", "8F36", "2026-10-05T08:20:00Z", None, smets="SMETS1"),   # never delivered
    alert("a4", "AD1", "2026-10-05T08:30:00Z", None, suppressed=True),   # storm-suppressed: not counted
    alert("a5", "N12", "2026-10-10T10:00:20Z", 1, request_id="G"),
    alert("a6", "8F72", "2026-10-20T10:00:00Z", 2, region="Central"),
    alert("a7", "AD1", "2026-09-30T22:30:00Z", 1),                      # September
]

TEST_MESSAGES = [
    dict(csp_region="North", sent_at="2026-10-01T00:00:00Z", rtt_ms=3000),
    dict(csp_region="North", sent_at="2026-10-15T00:00:00Z", rtt_ms=5000),
    dict(csp_region="North", sent_at="2026-10-16T00:00:00Z", rtt_ms=None),   # no reply: not in the mean
    dict(csp_region="North", sent_at="2026-09-30T22:00:00Z", rtt_ms=100000),  # September
]


def write_landing(landing: Path) -> Path:
    write_csv(landing, "service_requests", REQUESTS)
    write_csv(landing, "service_responses", RESPONSES)
    write_csv(landing, "alerts", ALERTS)
    write_csv(landing, "csp_test_messages", TEST_MESSAGES)
    return landing
