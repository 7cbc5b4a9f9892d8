"""A seeded random landing of October 2026 whose rows sit on the edges of the definitions.

Hand-made landings pin one case per row; this one throws many cases together so that
they meet: requests of every business process received on the edges of UK days and
of the clock change and answered on the edges of their target (Future-Dated ones from
their execution), Transforms among them; alerts sent 59, 60 and 61 s after they were
raised; top-up retries 0 s, 1 s short of, exactly and 1 s past 24 h apart, by
Users sharing a device; change-of-supplier requests corrected exactly 7 x 24 h later,
or by a Transform, another User or another device; firmware images answered exactly 5
days after the request and verified exactly 5 days after that, or a second before;
scheduled reads answered exactly 24 h after `execution_at`, or before it; devices
read in two regions or never successfully; installs on the first and last second
of every UK day from four weeks before the month, but for two days without any
request; Communications Hub firmware events on the edges of the month; outages
that overlap, run past the Planned Maintenance cap, stay open or cross the clock
change; incidents raised before the August bank holiday, across the clock change,
delivered in two versions, or answered and resolved on the edges of their targets.
tests/second_implementation.py, second_implementation_rsvp.py and
second_implementation_installs.py work out their figures again from the files;
tests/test_second_implementation.py compares them with the published ones.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from tests.helpers import read_seed, write_csv
from tests.rsvp_landing import alert, at, request, response, write_landing
from tests.second_implementation import UK, UTC, bank_holidays, deadline

PERIOD_START = dt.datetime(2026, 9, 30, 23, tzinfo=UTC)
PERIOD_END = dt.datetime(2026, 11, 1, tzinfo=UTC)
REGIONS = ["North", "Central", "South"]
DAY, WEEK = 86400, 7 * 86400
COMPONENTS = ["dui_gateway", "dsp_core", "access_control", "rdi_gateway", "smki_repository", "smki_ra", "ssi_portal"]
OUTCOMES = ["ok", "ok", "comms", "rejected", "none", "failure_alert", "ack_only"]


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RandomLanding:
    """The rows of the landing, drawn from one seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.requests, self.responses, self.alerts, self.outages, self.incidents = [], [], [], [], []
        self.test_messages, self.hub_events = [], []
        self.count = 0

    def moment(self, first_day: int, last_day: int) -> dt.datetime:
        """A whole second between `first_day` and `last_day` days after the period starts."""
        return PERIOD_START + dt.timedelta(seconds=self.rng.randrange(first_day * DAY, last_day * DAY))

    def add_request(self, srv, received, device, user, outcome, delay=5, variant=1, execution=None,
                    device_type="ESME", smets="SMETS2", region="North") -> str:
        """A request, and the responses (and N12/N13 alert) its `outcome` calls for,
        the final one `delay` seconds after it is received."""
        self.count += 1
        request_id = f"R{self.seed}-{self.count:04d}"
        row = request(request_id, iso(received), srv=srv, variant=variant, device=device_type, smets=smets,
                      region=region, user=user, execution=iso(execution) if execution else None)
        row["device_id"] = device
        if device is None:
            row["device_type"] = None
        self.requests.append(row)
        sent = iso(received)
        if outcome in ("ok", "failure_alert"):
            self.responses += [response(request_id, at(sent, 1), "I99"), response(request_id, at(sent, delay), "I0")]
        elif outcome == "comms":
            self.responses.append(response(request_id, at(sent, delay), self.rng.choice(["E20", "E21", "E30"])))
        elif outcome == "rejected":
            self.responses.append(response(request_id, at(sent, 1), self.rng.choice(["E3", "E5"])))
        elif outcome == "ack_only":
            self.responses.append(response(request_id, at(sent, 1), "I99"))
        if outcome == "failure_alert":
            self.alerts.append(alert(f"F{request_id}", self.rng.choice(["N12", "N13"]),
                                     at(sent, delay + 3), 1, request_id=request_id))
        return request_id

    def top_ups(self, histories: int = 60) -> None:
        """2.2 histories per User and device, at gaps around the 24 h of a chain."""
        for k in range(histories):
            device = None if k % 11 == 0 else f"PD{k // 2}"  # two Users top up each device
            smets = "SMETS1" if k % 5 == 0 else "SMETS2"
            region, device_type = self.rng.choice(REGIONS), self.rng.choice(["ESME", "GSME"])
            received = self.moment(-4, 36)
            for _ in range(self.rng.randrange(1, 9)):
                received += dt.timedelta(seconds=self.rng.choice(
                    [0, DAY - 1, DAY, DAY + 1, self.rng.randrange(1, 3600), self.rng.randrange(3600, DAY),
                     self.rng.randrange(DAY, 5 * DAY)]))
                if received > PERIOD_START + dt.timedelta(days=41):
                    break
                self.add_request("2.2", received, device, f"U{k % 7}", self.rng.choice(OUTCOMES),
                                 device_type=device_type, smets=smets, region=region)

    def changes_of_supplier(self, devices: int = 50) -> None:
        """6.23 requests, each followed by a success at 0 s, 1 s short of, exactly or 1 s
        past 7 x 24 h later, and by other requests."""
        for k in range(devices):
            device = None if k % 17 == 0 else f"CD{k}"
            user = f"G{k % 4}"
            smets = "SMETS1" if k % 6 == 0 else "SMETS2"
            region, device_type = self.rng.choice(REGIONS), self.rng.choice(["ESME", "GSME"])
            received = self.moment(-8, 31)
            self.add_request("6.23", received, device, user, self.rng.choice(OUTCOMES), device_type=device_type,
                             smets=smets, region=region)
            # first a success of the same User to the same device on an edge of the window,
            # where it alone decides, then requests of any outcome, User, device or variant
            follow_ups = [(self.rng.choice([0, WEEK - 1, WEEK, WEEK + 1]), device, user, "ok", 1)]
            for _ in range(self.rng.randrange(0, 3)):
                follow_ups.append((self.rng.choice([self.rng.randrange(60, 3600), self.rng.randrange(60, WEEK),
                                                    WEEK + 1]),
                                   device if self.rng.random() < 0.8 else f"CD{k + 1}",
                                   user if self.rng.random() < 0.8 else "G9", self.rng.choice(OUTCOMES),
                                   4 if self.rng.random() < 0.15 else 1))
            for gap, to_device, by_user, outcome, variant in follow_ups:
                self.add_request(self.rng.choice(["6.23", "1.1.1", "6.8"]), received + dt.timedelta(seconds=gap),
                                 to_device, by_user, outcome, variant=variant, device_type=device_type, smets=smets,
                                 region=region)

    def firmware(self, images: int = 50) -> None:
        """11.1 requests answered up to a second past 5 days, and 8F72 / 8F1C alerts on
        the edges of the 5 days after the answer and inside them, some from another
        device or suppressed."""
        five_days = 5 * DAY
        for k in range(images):
            device = None if k % 19 == 0 else f"FD{k}"
            received = self.moment(-6, 31)
            delay = self.rng.choice([60, 3600, 2 * DAY, five_days - 1, five_days, five_days + 1])
            self.add_request("11.1", received, device, "F1",
                             self.rng.choice(["ok", "ok", "ok", "comms", "rejected", "none", "failure_alert"]),
                             delay=delay)
            answered = received + dt.timedelta(seconds=delay)
            for j in range(self.rng.choice([0, 1, 1, 2])):
                # the first alert on an edge of the window, where it alone decides the verdict
                edges = [-1, 0, five_days, five_days + 1] if j == 0 else [-60, 1, 3600, 3 * DAY]
                raised = answered + dt.timedelta(seconds=self.rng.choice(edges))
                suppressed = self.rng.random() < 0.2
                row = alert(f"V{self.seed}-{k}-{j}", self.rng.choice(["8F72", "8F1C"]), iso(raised),
                            None if suppressed else 2, suppressed=suppressed)
                row["device_id"] = device if self.rng.random() < 0.85 else "FD-other"
                self.alerts.append(row)

    def billing(self, reads: int = 60) -> None:
        """Scheduled 4.6.1 reads answered around 24 h after `execution_at` (or before
        it), on-demand reads, and 5.1 schedules (Non-Device: an I99 alone succeeds)."""
        for k in range(reads):
            received = self.moment(-2, 31)
            kind = self.rng.choice(["scheduled", "scheduled", "on_demand", "schedule"])
            outcome = self.rng.choice(OUTCOMES)
            if kind == "scheduled":
                execution = received + dt.timedelta(seconds=self.rng.randrange(0, 3 * DAY))
                lag = self.rng.choice([-600, 3600, DAY, DAY + 1, 2 * DAY])
                delay = max(2, (execution - received).total_seconds() + lag)
                self.add_request("4.6.1", received, f"BD{k}", "B1", outcome, delay=delay, execution=execution)
            elif kind == "on_demand":
                self.add_request("4.6.1", received, f"BD{k}", "B1", outcome)
            else:
                self.add_request("5.1", received, f"BD{k}", "B1", outcome, variant=8)

    def service_requests(self, count: int = 160) -> None:
        """Requests of every business process's SRVs (SMETS1 where the SRV applies to it),
        received on the edges of UK days and of the clock change or anywhere, answered
        on the edges of their 30 s target (5 days for SMETS1 11.3), some Future-Dated
        and answered before their execution, some Transforms, some without DSP time."""
        catalogue = {row["srv"]: row for row in read_seed("srv_catalogue")}
        process_srvs = sorted({row["srv"] for row in read_seed("business_process_srvs")})
        edges = [dt.datetime(2026, 9, 30, 23), dt.datetime(2026, 10, 24, 23), dt.datetime(2026, 10, 25, 0, 59, 59),
                 dt.datetime(2026, 10, 25, 1), dt.datetime(2026, 10, 25, 23, 59, 59), dt.datetime(2026, 10, 26),
                 dt.datetime(2026, 10, 31, 23, 59, 59)]
        for k in range(count):
            srv = self.rng.choice(process_srvs)
            smets = "SMETS1" if catalogue[srv]["applies_to_smets1"] == "true" and self.rng.random() < 0.25 else "SMETS2"
            received = (self.rng.choice(edges).replace(tzinfo=UTC) if k % 4 == 0 else self.moment(-1, 32))
            target = 5 * DAY if smets == "SMETS1" and srv == "11.3" else 30
            delay = self.rng.choice([0.5, target - 0.001, target, target + 0.001, 2 * target])
            execution = None
            if self.rng.random() < 0.2:  # Future-Dated: the same delays from execution, or 90 s earlier
                execution = received + dt.timedelta(seconds=self.rng.choice([60, 3600]))
                delay += (execution - received).total_seconds() - self.rng.choice([0, 0, 90])
            variant = 4 if catalogue[srv]["is_critical"] == "true" and self.rng.random() < 0.2 else 1
            self.add_request(
                srv, received, f"SD{k}", f"S{k % 5}", self.rng.choice(OUTCOMES), delay=max(delay, 0.001),
                variant=variant, execution=execution, device_type="CHF" if srv.startswith("8.14") else "ESME",
                smets=smets, region=self.rng.choice(REGIONS))
            self.requests[-1]["dsp_processing_ms"] = None if self.rng.random() < 0.2 else self.rng.randrange(1, 900)

    def alerts_and_test_messages(self, count: int = 120) -> None:
        """Alerts of every code sent 59, 60, 61 s after they were raised, later or
        never, some suppressed; CSP test messages of each region, some without reply."""
        for k in range(count):
            raised = self.moment(-1, 32) if k % 5 else dt.datetime(2026, 10, 25, 0, 59, 30, tzinfo=UTC)
            suppressed = self.rng.random() < 0.1
            sent = None if suppressed else self.rng.choice([1, 59, 60, 60.001, 61, 3600, None])
            smets = "SMETS1" if self.rng.random() < 0.2 else "SMETS2"
            self.alerts.append(alert(f"A{self.seed}-{k}", self.rng.choice(["AD1", "8F35", "8F36", "N24", "8F72"]),
                                     iso(raised), sent, region=self.rng.choice(REGIONS),
                                     smets=smets, suppressed=suppressed))
        for k in range(count):
            self.test_messages.append(dict(csp_region=self.rng.choice(REGIONS),
                                           sent_at=iso(self.moment(-1, 32)),
                                           rtt_ms=None if self.rng.random() < 0.15 else self.rng.randrange(500, 9000)))

    def top_up_chain_past_its_follow_up(self) -> None:
        """A top-up chain opened in the month's last hour, failing every 23 h, whose
        ninth attempt succeeds exactly 7 days after the period ends, the first instant
        the chains' follow-up leaves out."""
        for k in range(8):
            self.add_request("2.2", PERIOD_END + dt.timedelta(hours=23 * k - 1), "PD-edge", "U-edge", "comms")
        self.add_request("2.2", PERIOD_END + dt.timedelta(days=7), "PD-edge", "U-edge", "ok")

    def installs(self) -> None:
        """Installs (8.14.1, 8.1.1 to an ESME or GSME, and to a PPMID, which is none) and
        Install and Leave (8.14.2) on every UK day from 28 days before the month to its
        end, some at a day's first or last second, so that most October days have a
        forecast; two September days have no request at all, so the October days that
        look back to them have none. Some 8.1.1s are Transforms."""
        day, last, without_data = dt.date(2026, 9, 3), dt.date(2026, 10, 31), {dt.date(2026, 9, 10),
                                                                             dt.date(2026, 9, 19)}
        kinds = [("8.14.1", "CHF"), ("8.14.1", "CHF"), ("8.14.2", "CHF"), ("8.1.1", "ESME"), ("8.1.1", "GSME"),
                 ("8.1.1", "PPMID")]
        while day <= last:
            opens = dt.datetime.combine(day, dt.time(), tzinfo=UK).astimezone(UTC)
            length = int((dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=UK).astimezone(UTC)
                          - opens).total_seconds())
            for _ in range(0 if day in without_data else self.rng.randrange(1, 12)):
                second = self.rng.choice([0, length - 1, self.rng.randrange(length), self.rng.randrange(length)])
                srv, device_type = self.rng.choice(kinds)
                smets = "SMETS1" if srv == "8.1.1" and self.rng.random() < 0.25 else "SMETS2"
                self.add_request(srv, opens + dt.timedelta(seconds=second), f"ID{self.count}", "I1",
                                 self.rng.choice(OUTCOMES), delay=self.rng.choice([2, 30, 31]),
                                 variant=4 if srv == "8.1.1" and self.rng.random() < 0.1 else 1,
                                 device_type=device_type, smets=smets,
                                 region=self.rng.choice(REGIONS))
            day += dt.timedelta(days=1)

    def devices_read(self, devices: int = 40) -> None:
        """Daily reads (4.6.1) of devices read one to four times around the month, some
        of them by another region, without a device id, or as rejected requests only."""
        for k in range(devices):
            device = None if k % 13 == 0 else f"ND{k}"
            region, smets = self.rng.choice(REGIONS), "SMETS1" if k % 5 == 0 else "SMETS2"
            for _ in range(self.rng.randrange(1, 5)):
                self.add_request("4.6.1", self.moment(-3, 33), device, "B2",
                                 self.rng.choice(OUTCOMES + ["rejected", "comms"]), smets=smets,
                                 region=self.rng.choice(REGIONS) if self.rng.random() < 0.15 else region)

    def hub_firmware(self, count: int = 90) -> None:
        """Communications Hub firmware events of every kind, a fifth of them on the edges
        of the month."""
        edges = [PERIOD_START - dt.timedelta(seconds=1), PERIOD_START, PERIOD_END - dt.timedelta(seconds=1),
                 PERIOD_END]
        for k in range(count):
            event_at = self.rng.choice(edges) if k % 5 == 0 else self.moment(-2, 33)
            self.hub_events.append(dict(
                ch_id=f"CH{k}", csp_region=self.rng.choice(REGIONS),
                firmware_version=self.rng.choice(["3.1", "3.2"]), event_at=iso(event_at),
                event=self.rng.choice(["image_delivered", "delivery_failed", "activated", "activation_failed"])))

    def incidents_on_their_targets(self, count: int = 36) -> None:
        """The DCC's incidents of categories 3-5 responded to and resolved a second before,
        exactly on or a second after their Working-Day targets, raised in the small hours
        before the clock change, before a weekend or before the August bank holiday; most
        closed in the month. The targets are where the second implementation puts them: a
        model that puts them elsewhere disagrees with it on one side of the edge."""
        targets = {int(row["category"]): row for row in read_seed("incident_targets")}
        holidays = bank_holidays()
        edges = [dt.datetime(2026, 10, 23, 0, 30), dt.datetime(2026, 10, 24, 23, 30), dt.datetime(2026, 10, 25, 0, 30),
                 dt.datetime(2026, 10, 25, 1, 30), dt.datetime(2026, 8, 28, 16), dt.datetime(2026, 8, 31, 9)]
        for i in range(count):
            category = 3 + i % 3
            raised = self.rng.choice(edges).replace(tzinfo=UTC) if i % 2 else self.moment(-35, 10)
            target = targets[category]
            responded, resolved = (
                deadline(raised, target[f"{kind}_target"], target[f"{kind}_unit"], holidays)
                + dt.timedelta(seconds=self.rng.choice([-1, 0, 1])) for kind in ("response", "resolution"))
            closed = max(resolved, PERIOD_START) + dt.timedelta(seconds=self.rng.randrange(0, 10 * DAY))
            self.incidents.append(dict(
                incident_id=f"J{self.seed}-{i}", category=category, raised_at=iso(raised), responded_at=iso(responded),
                resolved_at=iso(resolved), closed_at=None if self.rng.random() < 0.2 else iso(closed),
                title=f"incident on its targets {i}", responsible_party="DCC"))

    def add_outages(self, count: int = 45) -> None:
        """Overlapping outages of random components and regions; a ninth of them
        around the clock change, every thirteenth still open."""
        for i in range(count):
            started = self.moment(-3, 32)
            if i % 9 == 0:
                started = dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC) + dt.timedelta(seconds=self.rng.randrange(7200))
            duration = self.rng.choice([self.rng.randrange(1, 600), self.rng.randrange(600, 4 * 3600),
                                        self.rng.randrange(4 * 3600, 12 * 3600)])
            self.outages.append(dict(
                outage_id=f"O{self.seed}-{i}", component=self.rng.choice(COMPONENTS), started_at=iso(started),
                ended_at=None if i % 13 == 5 else iso(started + dt.timedelta(seconds=duration)),
                planned="true" if self.rng.random() < 0.5 else "false",
                csp_region=self.rng.choice([None, None] + REGIONS)))

    def add_incidents(self, count: int = 70) -> None:
        """Incidents of every category and Responsible Party; some delivered first
        still open, then again with their resolution or closure."""
        rng = self.rng

        def after(moment, hours):
            return moment + dt.timedelta(seconds=rng.randrange(0, int(hours * 3600)))

        for i in range(count):
            raised = dt.datetime(2026, 8, 20, tzinfo=UTC) + dt.timedelta(seconds=rng.randrange(75 * DAY))
            if i % 10 == 0:  # the clock change, a Friday, the August bank holiday weekend
                raised = rng.choice([dt.datetime(2026, 10, 24, 23, 30), dt.datetime(2026, 10, 23, 9),
                                     dt.datetime(2026, 8, 28, 17), dt.datetime(2026, 8, 30, 0, 30)]
                                    ).replace(tzinfo=UTC) + dt.timedelta(seconds=rng.randrange(7200))
            responded = None if rng.random() < 0.1 else after(raised, rng.choice([0.5, 2, 30, 80]))
            resolved = None if rng.random() < 0.15 else after(raised, rng.choice([3, 9, 100, 400, 900]))
            closed = None if rng.random() < 0.3 else after(resolved or raised, rng.choice([1, 48, 300]))
            if closed is None and resolved is None and rng.random() < 0.5:
                closed = after(raised, 500)
            row = dict(incident_id=f"I{self.seed}-{i}", category=rng.randrange(1, 6), raised_at=iso(raised),
                       responded_at=responded and iso(responded), resolved_at=resolved and iso(resolved),
                       closed_at=closed and iso(closed), title=f"incident {i}",
                       responsible_party=rng.choice(["DCC", "DCC", "DCC", "CSP North", "User"]))
            self.incidents.append(row)
            # an earlier version must have an earlier latest timestamp, or the two conflict
            latest_open = max(t for t in (raised, responded) if t)
            if rng.random() < 0.3 and max(t for t in (raised, resolved, closed) if t) > latest_open:
                self.incidents.append(row | dict(resolved_at=None, closed_at=None, title=f"incident {i}, open"))
        rng.shuffle(self.incidents)


def write_random_landing(landing: Path, seed: int) -> Path:
    """The hand-made RSVP landing (tests/rsvp_landing.py) and, beside it, the random rows of `seed`."""
    rows = RandomLanding(seed)
    rows.top_ups()
    rows.changes_of_supplier()
    rows.firmware()
    rows.billing()
    rows.service_requests()
    rows.alerts_and_test_messages()
    rows.add_outages()
    rows.add_incidents()
    # added later, after the rows above, so that those stay as they were
    rows.top_up_chain_past_its_follow_up()
    rows.installs()
    rows.devices_read()
    rows.hub_firmware()
    rows.incidents_on_their_targets()
    write_landing(landing)
    write_csv(landing, "service_requests", rows.requests, name="random.csv")
    write_csv(landing, "service_responses", rows.responses, name="random.csv")
    write_csv(landing, "alerts", rows.alerts, name="random.csv")
    write_csv(landing, "csp_test_messages", rows.test_messages, name="random.csv")
    write_csv(landing, "outages", rows.outages, name="random.csv")
    write_csv(landing, "incidents", rows.incidents, name="random.csv")
    write_csv(landing, "ch_firmware_events", rows.hub_events, name="random.csv")
    return landing
