"""Two hand-made landing folders of October 2026: a good month with requests of every
segment on a few days, and the same month where most service request rows are garbage.
The gate, locking and orchestration tests build warehouses from them."""

from pathlib import Path

from tests.helpers import write_csv

MONTH = "2026-10"


def _request(i, day, srv="2.2", smets="SMETS2", region="North", variant=1):
    return dict(request_id=f"R{i:04d}", received_at=f"2026-10-{day:02d}T10:{i % 60:02d}:00Z", user_id="SUP001",
                user_role="IS", srv=srv, command_variant=variant, device_id=f"dev-{i}", device_type="ESME",
                smets=smets, csp_region=region if smets == "SMETS2" else None, dsp_processing_ms=100)


def good_rows() -> tuple[list[dict], list[dict]]:
    """Requests of every segment on a few days of October 2026, each answered with I0."""
    requests, responses = [], []
    segments = [("SMETS2", "North"), ("SMETS2", "Central"), ("SMETS2", "South"), ("SMETS1", None)]
    i = 0
    for day in (1, 9, 20, 31):
        for srv in ("2.2", "1.1.1", "8.1.1"):
            for smets, region in segments:
                i += 1
                requests.append(_request(i, day, srv, smets, region))
                responses.append(dict(request_id=f"R{i:04d}", response_at=f"2026-10-{day:02d}T10:{i % 60:02d}:05Z",
                                      response_code="I0"))
    requests.append(_request(999, 15, "1.1.1", variant=4))  # a Transform: never counted
    return requests, responses


def write_good_landing(landing: Path) -> Path:
    requests, responses = good_rows()
    write_csv(landing, "service_requests", requests)
    write_csv(landing, "service_responses", responses)
    write_csv(landing, "alerts", [
        dict(alert_id=f"AL{i}", alert_code="AD1", alert_kind="dcc", device_id="dev-1", device_type="ESME",
             smets="SMETS2", csp_region="North", user_id="SUP001", received_at=f"2026-10-0{i}T08:00:00Z",
             delivered_at=f"2026-10-0{i}T08:00:20Z", suppressed="false")
        for i in range(1, 4)
    ])
    return landing


def write_garbage_landing(landing: Path) -> Path:
    """The same month where most service request rows are garbage (unparsable
    timestamps, unknown SRVs, missing ids): they are quarantined, and the share of
    quarantined rows is far above the 1% the gate allows."""
    requests, responses = good_rows()
    garbage = []
    for i in range(300):
        row = _request(5000 + i, 12)
        kind = i % 3
        if kind == 0:
            row["received_at"] = "yesterday at noon"
        elif kind == 1:
            row["srv"] = "SRV 2.2"
        else:
            row["request_id"] = None
        garbage.append(row)
    write_csv(landing, "service_requests", requests[:6] + garbage)
    write_csv(landing, "service_responses", responses[:6])
    return landing


def snapshot(folder: Path) -> dict[str, bytes]:
    """The files of a published month folder, to show it is left byte-for-byte as it was."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
