"""`pmr inject-faults`: contract-breaking rows added to a landing folder, so the
quarantine can be watched at work (a demo, a drill) and checked against a record of
what was injected.

For one UK day, each source with a file of that day gets `<source>/<day>.faults.csv`:
copies of a few of that day's rows, each broken in one way the landing contract
forbids (a required value missing, a timestamp that cannot be read, an unknown code
or region, an end before its start, a response before its request, one id with two
different contents). Every faulty row has an id of its own (`FAULT-<day>-<n>`) or,
for responses, answers a real request at a time that cannot be, so no valid row is
touched: the figures of the month do not change, and only the quarantine grows.

The quarantine may hold at most `quarantine_max_pct` (1%) of a source's rows before
publication is blocked, and warns from half of it; the faults of all days together stay
at or below 0.1% of the source's rows in the landing folder, so a source with fewer
than 1,000 rows gets none, and a larger one gets the first faults of its list that fit.

What was injected, with the reason staging must give each row, is recorded beside the
landing folder in `<landing name>.faults.json`, every day's faults files together; a
day injected again replaces that day's faults.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from pmr import SOURCES
from pmr.contract import CONTRACT, DUCKDB_TYPES, column_names
from pmr.generator.ground_truth import ground_truth_path
from pmr.generator.writer import ISO_MS, RESENT, day_files
from pmr.landing_file import sql_str

MAX_SHARE = 0.001  # of a source's rows: a tenth of quarantine_max_pct, a fifth of its warning level
FAULTS_SUFFIX = ".faults.csv"
UNREADABLE_TIME = "yesterday"

Row = dict[str, str | None]


@dataclass(frozen=True)
class Fault:
    reason: str  # the quarantine reason staging gives each row
    make: Callable[[Row, str], list[Row]]  # (template row as text, new id) -> the faulty rows
    rows: int = 1  # how many rows `make` gives


def _shifted(value: str, seconds: float) -> str:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) + dt.timedelta(seconds=seconds)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _with(key: str | None, **changes: str | None) -> Callable[[Row, str], list[Row]]:
    """A fault that gives the template a new id (when the source has one) and changes some values."""
    return lambda row, new_id: [row | ({key: new_id} if key else {}) | changes]


def _conflicting(key: str, column: str) -> Callable[[Row, str], list[Row]]:
    """Two rows with the same new id that differ in `column`."""
    return lambda row, new_id: [row | {key: new_id}, row | {key: new_id, column: f"{row[column]}-other"}]


def _before(key: str | None, end: str, start: str, **changes: str | None) -> Callable[[Row, str], list[Row]]:
    """`end` an hour before `start`."""
    return lambda row, new_id: [row | ({key: new_id} if key else {}) | changes | {end: _shifted(row[start], -3600)}]


def _response(code: str | None, at: Callable[[str], str]) -> Callable[[Row, str], list[Row]]:
    """A response to the template request (a real one of that day)."""
    return lambda row, new_id: [{"request_id": row["request_id"], "response_at": at(row["received_at"]),
                                 "response_code": code}]


# Per source: which of the day's rows serve as templates, and the faults in the order
# they are injected (the first ones that fit within MAX_SHARE).
TEMPLATE_SOURCE = {"service_responses": "service_requests"}
TEMPLATES = {
    "service_requests": "smets = 'SMETS2'",
    "service_responses": "smets = 'SMETS2'",  # requests of the day
    "alerts": "request_id is null and not suppressed and delivered_at is not null and alert_kind = 'device'",
    "csp_test_messages": "rtt_ms is not null",
    "ch_firmware_events": "true",
    "incidents": "true",
    "outages": "ended_at is not null",
}
FAULTS: dict[str, list[Fault]] = {
    "service_requests": [
        Fault("missing required value: user_id", _with("request_id", user_id=None)),
        Fault("unparsable timestamp: received_at", _with("request_id", received_at=UNREADABLE_TIME)),
        Fault("invalid srv: not an SRV number", _with("request_id", srv="SRV 2.2")),
        Fault("unknown csp_region", _with("request_id", csp_region="Atlantis")),
        Fault("conflicting contents for the same request_id", _conflicting("request_id", "user_id"), rows=2),
    ],
    "service_responses": [
        Fault("missing required value: response_code", _response(None, lambda t: _shifted(t, 2))),
        Fault("unparsable timestamp: response_at", _response("I0", lambda t: UNREADABLE_TIME)),
        Fault("unknown response_code", _response("Z9", lambda t: _shifted(t, 2))),
        Fault("response before its request", _response("I0", lambda t: _shifted(t, -3600))),
    ],
    "alerts": [
        Fault("missing required value: user_id", _with("alert_id", user_id=None)),
        Fault("unparsable timestamp: received_at", _with("alert_id", received_at=UNREADABLE_TIME)),
        Fault("unknown alert_code", _with("alert_id", alert_code="ZZZZ")),
        Fault("end before start: delivered_at before received_at", _before("alert_id", "delivered_at", "received_at")),
        Fault("conflicting contents for the same alert_id", _conflicting("alert_id", "user_id"), rows=2),
    ],
    "csp_test_messages": [
        Fault("unknown csp_region", _with(None, csp_region="Atlantis")),
        Fault("invalid rtt_ms: negative", _with(None, rtt_ms="-5")),
        Fault("unparsable timestamp: sent_at", _with(None, sent_at=UNREADABLE_TIME)),
    ],
    "ch_firmware_events": [
        Fault("unknown event", _with("ch_id", event="exploded")),
        Fault("unparsable timestamp: event_at", _with("ch_id", event_at=UNREADABLE_TIME)),
        Fault("missing required value: firmware_version", _with("ch_id", firmware_version=None)),
    ],
    "incidents": [
        Fault("end before start: resolved_at before raised_at",
              _before("incident_id", "resolved_at", "raised_at", responded_at=None, closed_at=None)),
        Fault("invalid category: not 1-5", _with("incident_id", category="9")),
    ],
    "outages": [
        Fault("end before start: ended_at before started_at", _before("outage_id", "ended_at", "started_at")),
        Fault("unknown component", _with("outage_id", component="ZZ")),
    ],
}
assert set(FAULTS) == set(SOURCES) == set(TEMPLATES)


def faults_record_path(landing: Path) -> Path:
    """`<landing name>.faults.json` beside the landing folder (as the ground truth)."""
    truth = ground_truth_path(landing)
    return truth.with_name(truth.name.replace(".ground_truth.json", ".faults.json"))


def inject_faults(landing: Path, day: dt.date) -> dict:
    """Write `<source>/<day>.faults.csv` for each source that has a file of `day`, and add
    them to the record beside the landing folder (faults of other days stay in it, and
    count towards each source's 0.1%); returns what this call injected."""
    landing = Path(landing)
    if not landing.exists():
        raise FileNotFoundError(f"landing folder not found: {landing}")
    if not landing.is_dir():
        raise ValueError(f"landing path is not a folder: {landing}")
    record_path = faults_record_path(landing)  # before any work: refuses a landing folder that is a root
    files = _files_by_source(landing)
    templates_of = {source: [p for d, p in files.get(TEMPLATE_SOURCE.get(source, source), [])
                             if d == day and RESENT not in p.name]  # a re-sent copy repeats the day's rows
                    for source in SOURCES}
    if not any(templates_of.values()):
        raise ValueError(f"{landing} holds no landing file of {day.isoformat()} (files named "
                         f"<source>/{day.isoformat()}.parquet, .csv or .csv.gz) to copy faulty rows from")
    record = _read_record(record_path)
    this_day = f"{day.isoformat()}{FAULTS_SUFFIX}"
    kept = {file: reasons for file, reasons in record["files"].items()
            if Path(file).name != this_day and (landing / file).is_file()}
    injected: dict = {"day": day.isoformat(), "files": {}, "not_injected": {}}
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        for source in SOURCES:
            path = landing / source / this_day
            path.unlink(missing_ok=True)  # injected again: this call's faults replace the last call's
            if not templates_of[source]:
                injected["not_injected"][source] = f"no file of {day.isoformat()}"
                continue
            try:
                total = _row_count(con, [p for _, p in files.get(source, [])])
                earlier = sum(sum(reasons.values()) for file, reasons in kept.items()
                              if file.startswith(f"{source}/"))
                faults = _that_fit(FAULTS[source], math.floor(total * MAX_SHARE) - earlier)
                templates = _templates(con, TEMPLATE_SOURCE.get(source, source), templates_of[source],
                                       TEMPLATES[source], len(faults)) if faults else []
            except duckdb.Error as error:  # a damaged file: pmr run skips it, and so does this source here
                read = " or ".join(sorted({source, TEMPLATE_SOURCE.get(source, source)}))
                injected["not_injected"][source] = (f"a landing file of {read} cannot be read (pmr run skips "
                                                    f"such a file): {str(error).splitlines()[0]}")
                continue
            if not faults:
                injected["not_injected"][source] = (
                    f"{total:,} rows in the landing folder and {earlier:,} faulty rows of other days: one more "
                    f"would be more than {MAX_SHARE:.1%} of them" if earlier else
                    f"{total:,} rows in the landing folder: a faulty row would be more than {MAX_SHARE:.1%} of them")
                continue
            rows, expected = [], {}
            for n, (fault, template) in enumerate(zip(faults, templates), start=1):
                made = fault.make(template, f"FAULT-{day.isoformat()}-{n}")
                rows += made
                expected[fault.reason] = expected.get(fault.reason, 0) + len(made)
            if not rows:
                injected["not_injected"][source] = f"no row of {day.isoformat()} to copy"
                continue
            _write_csv(path, source, rows)
            injected["files"][f"{source}/{path.name}"] = expected
    record["files"] = dict(sorted((kept | injected["files"]).items()))
    record["not_injected"][day.isoformat()] = injected["not_injected"]
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return injected


def _read_record(path: Path) -> dict:
    """The faults record: every faults file of the landing folder with its rows by the
    reason staging must give them, and by day the sources that got none and why."""
    empty = {"max_share": MAX_SHARE, "files": {}, "not_injected": {}}
    try:
        return empty | json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty
    except ValueError as error:
        raise ValueError(f"{path} is not a faults record ({error}): move it away to start a new one") from None


def check_record(landing: Path) -> None:
    """ValueError, saying what to do, when the faults record beside `landing` is there
    and cannot be read (cut short, not JSON): `pmr generate` updates it after writing."""
    _read_record(faults_record_path(Path(landing)))


def _that_fit(faults: list[Fault], allowed: int) -> list[Fault]:
    chosen, rows = [], 0
    for fault in faults:
        if rows + fault.rows > allowed:
            break
        chosen.append(fault)
        rows += fault.rows
    return chosen


def _files_by_source(landing: Path) -> dict[str, list[tuple[dt.date, Path]]]:
    """The day files of the landing folder (as the generator names them, re-sent copies
    included), by source: (UK day, path)."""
    found: dict[str, list[tuple[dt.date, Path]]] = {}
    for day, paths in day_files(landing).items():
        for path in paths:
            found.setdefault(path.parent.name, []).append((day, path))
    return found


def _relation(files: list[Path]) -> str:
    """One FROM-able relation over the files, every column as the contract names it."""
    parts = []
    parquet = [sql_str(str(p)) for p in files if p.name.lower().endswith(".parquet")]
    csvs = [sql_str(str(p)) for p in files if not p.name.lower().endswith(".parquet")]
    if parquet:
        parts.append(f"select * from read_parquet([{', '.join(parquet)}])")
    if csvs:
        parts.append(f"select * from read_csv([{', '.join(csvs)}], all_varchar = true, header = true)")
    return " union all by name ".join(parts)


def _row_count(con: duckdb.DuckDBPyConnection, files: list[Path]) -> int:
    return con.execute(f"select count(*) from ({_relation(files)})").fetchone()[0] if files else 0


def _templates(con: duckdb.DuckDBPyConnection, source: str, files: list[Path], where: str, count: int) -> list[Row]:
    """The first `count` rows of `files` that satisfy `where`, by the source's columns, as text."""
    columns = CONTRACT[source]
    typed = ", ".join(f"{c.name}::{DUCKDB_TYPES[c.type]} as {c.name}" for c in columns)
    text = ", ".join(
        f"strftime({c.name}, '{ISO_MS}') as {c.name}" if c.type == "timestamp"
        else f"lower({c.name}::varchar) as {c.name}" if c.type == "boolean"
        else f"{c.name}::varchar as {c.name}" for c in columns)
    order = ", ".join(c.name for c in columns)
    rows = con.execute(f"select {text} from (select {typed} from ({_relation(files)})) "
                       f"where {where} order by {order} limit {int(count)}").fetchall()
    return [dict(zip([c.name for c in columns], row)) for row in rows]


def _write_csv(path: Path, source: str, rows: list[Row]) -> None:
    names = column_names(source)
    temporary = path.with_name(f".{path.name}.tmp")  # hidden while written: ingest skips it
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row[name] for name in names])
    temporary.replace(path)


def forget_faults(landing: Path, days: set[dt.date]) -> list[Path]:
    """Delete the faults files of `days` and their entries in the record: `pmr generate`
    calls this for the days it writes again, whose faults copied rows of the replaced
    files (a response before its request names a request that may be gone). Returns
    the deleted files."""
    landing = Path(landing)
    names = {f"{day.isoformat()}{FAULTS_SUFFIX}" for day in days}
    record_path = faults_record_path(landing)
    record = _read_record(record_path) if record_path.exists() else None  # before any file goes: it may not be read
    removed = [path for source in SOURCES if (landing / source).is_dir()
               for path in sorted((landing / source).iterdir()) if path.name in names and path.is_file()]
    for path in removed:
        path.unlink()
    if record is not None:
        record["files"] = {file: reasons for file, reasons in record["files"].items() if Path(file).name not in names}
        record["not_injected"] = {day: why for day, why in record["not_injected"].items()
                                  if f"{day}{FAULTS_SUFFIX}" not in names}
        record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return removed
