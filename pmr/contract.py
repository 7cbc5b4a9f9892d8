"""The landing-zone contract (raw-extracts v1) in machine-readable form.

One place for the columns, types and required flags of the seven sources: the
generator writes them, the loader checks files against them, and tests check
generator output against them.
"""

from dataclasses import dataclass

from pmr import SOURCES


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # contract type: string, timestamp, integer, boolean
    required: bool  # a null value breaks the contract ("SMETS2: yes" is checked in staging)


def _cols(*specs: tuple[str, str, bool]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


CONTRACT: dict[str, tuple[Column, ...]] = {
    "service_requests": _cols(
        ("request_id", "string", True),
        ("received_at", "timestamp", True),
        ("user_id", "string", True),
        ("user_role", "string", True),
        ("srv", "string", True),
        ("command_variant", "integer", True),
        ("device_id", "string", False),
        ("device_type", "string", False),
        ("smets", "string", True),
        ("csp_region", "string", False),
        ("execution_at", "timestamp", False),
        ("dsp_processing_ms", "integer", False),
    ),
    "service_responses": _cols(
        ("request_id", "string", True),
        ("response_at", "timestamp", True),
        ("response_code", "string", True),
    ),
    "alerts": _cols(
        ("alert_id", "string", True),
        ("alert_code", "string", True),
        ("alert_kind", "string", True),
        ("device_id", "string", False),
        ("device_type", "string", False),
        ("smets", "string", True),
        ("csp_region", "string", False),
        ("user_id", "string", True),
        ("request_id", "string", False),
        ("received_at", "timestamp", True),
        ("delivered_at", "timestamp", False),
        ("suppressed", "boolean", True),
    ),
    "csp_test_messages": _cols(
        ("csp_region", "string", True),
        ("sent_at", "timestamp", True),
        ("rtt_ms", "integer", False),
    ),
    "outages": _cols(
        ("outage_id", "string", True),
        ("component", "string", True),
        ("started_at", "timestamp", True),
        ("ended_at", "timestamp", False),
        ("planned", "boolean", True),
        ("csp_region", "string", False),
        ("description", "string", False),
    ),
    "incidents": _cols(
        ("incident_id", "string", True),
        ("category", "integer", True),
        ("raised_at", "timestamp", True),
        ("responded_at", "timestamp", False),
        ("resolved_at", "timestamp", False),
        ("closed_at", "timestamp", False),
        ("responsible_party", "string", True),
        ("service", "string", False),
        ("csp_region", "string", False),
        ("title", "string", False),
    ),
    "ch_firmware_events": _cols(
        ("ch_id", "string", True),
        ("csp_region", "string", True),
        ("firmware_version", "string", True),
        ("event", "string", True),
        ("event_at", "timestamp", True),
    ),
}
assert tuple(CONTRACT) == SOURCES

USER_ROLES = ("IS", "ES", "GS", "ED", "GT", "OU", "RSA")
DEVICE_TYPES = ("ESME", "GSME", "CHF", "GPF", "PPMID", "HCALCS", "IHD")
SMETS = ("SMETS1", "SMETS2")
CSP_REGIONS = ("North", "Central", "South")
SEGMENTS = ("North", "Central", "South", "SMETS1", "All")
CH_FIRMWARE_EVENTS = ("image_delivered", "delivery_failed", "activated", "activation_failed")
ALERT_KINDS = ("device", "dcc")
FILE_SUFFIXES = (".csv", ".csv.gz", ".parquet")

# DuckDB types used when the generator writes Parquet, by contract type.
DUCKDB_TYPES = {"string": "VARCHAR", "timestamp": "TIMESTAMPTZ", "integer": "BIGINT", "boolean": "BOOLEAN"}


def column_names(source: str) -> list[str]:
    return [c.name for c in CONTRACT[source]]


def required_columns(source: str) -> list[str]:
    """Columns a file must have. Every contract column marked required, and
    csp_region where it is required for SMETS2 rows (a file without SMETS2 rows may
    leave it out: pmr.landing_file.check_contract_columns)."""
    names = [c.name for c in CONTRACT[source] if c.required]
    if source in ("service_requests", "alerts"):
        names.append("csp_region")
    return names


def repeated_columns(source: str, names: list[str]) -> dict[str, list[int]]:
    """Contract column -> its 1-based positions, for each contract column a file's
    header names more than once. Names match as DuckDB matches them, ignoring case."""
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(names, start=1):
        if name.lower() in column_names(source):
            positions.setdefault(name.lower(), []).append(number)
    return {name: numbers for name, numbers in positions.items() if len(numbers) > 1}


def misspelt_columns(source: str, names: list[str]) -> dict[str, str]:
    """Column of a file -> the contract column it is written for: for each contract
    column the file lacks, a column of the file that is the same name written
    differently (`Delivered-At`, `delivered at`) or with one slip of the keyboard (a
    letter left out, added or two swapped: `delivred_at`, `recieved_at`). Read as an
    extra column and ignored, it would leave the contract column empty in every row.
    A letter replaced, or an `s` added at the end, is not a slip here: `rtt_us`,
    `csp_processing_ms` and `csp_regions` are other columns, not misspellings."""
    contract = column_names(source)
    present = {name.lower() for name in names}
    extras = [name for name in dict.fromkeys(names) if name.lower() not in contract]
    found: dict[str, str] = {}
    for column in contract:
        if column not in present:
            slip = next((name for name in extras if name not in found and _one_slip(column, name)), None)
            if slip:
                found[slip] = column
    return found


def _letters(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _one_slip(column: str, name: str) -> bool:
    """Whether `name` is contract `column` written differently (case, separators) or
    with one letter left out, one added (not a final s) or two adjacent swapped."""
    a, b = _letters(column), _letters(name)
    if a == b:
        return True
    if len(a) < 5:  # srv, smets: too short to tell a slip from another name
        return False
    if len(b) == len(a) - 1:
        return any(a[:i] + a[i + 1:] == b for i in range(len(a)))
    if len(b) == len(a) + 1:
        return b != a + "s" and any(b[:i] + b[i + 1:] == a for i in range(len(b)))
    if len(b) == len(a):
        return any(a[:i] + a[i + 1] + a[i] + a[i + 2:] == b for i in range(len(a) - 1))
    return False
