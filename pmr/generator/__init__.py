"""`pmr generate`: realistic, deterministic synthetic extracts in the landing contract.

    generate(start, days, scale, seed, landing, fmt="parquet", progress=None) -> dict

writes `<landing>/<source>/<YYYY-MM-DD>.<fmt>` for every UK day of the window and every
source, and `<landing>.ground_truth.json` beside the landing folder. All rows are made
in one in-process DuckDB connection from `range()` and seeded hashes: the same
arguments give byte-identical files.

Into a folder that already holds files, a generated day replaces that day's files in
every format (`.parquet`, `.csv`, `.csv.gz`), so a day is never read twice, and its
faults files (`pmr inject-faults`) go, since they copied the replaced rows; files of
other days stay, and the ground truth is merged so that it describes every day of
the folder (pmr.generator.ground_truth).

Days are generated in order, a few at a time (a batch per statement). Rows that a day's
activity causes on later days (late responses, retries, follow-ups, firmware alerts,
restorations) are held until their own day is written; rows that would fall after the
end of the window are not in the extract (it is taken at the end of the window), and a
later call into the same folder does not deliver them. Days after the window already in
the folder keep what the call that wrote them delivered late (a warning says so).
Re-delivered rows are normal (the contract): a few days' service_responses files are
delivered twice, the copy as `<YYYY-MM-DD>.resent.<fmt>`, listed in the ground truth;
an alert sent after the end of its day is in that day's file unsent and in the next
day's file again, sent (pmr.generator.alerts).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from pmr import SOURCES
from pmr.calendar import FIRST_REPORTABLE_YEAR, LAST_REPORTABLE_YEAR
from pmr.contract import CONTRACT, DUCKDB_TYPES
from pmr.generator import alerts, chains, operations, outcomes, requests
from pmr.generator.context import Batch, Context, build_context
from pmr.generator.enums import create_enum_types, internal_type
from pmr.generator.events import plan_events
from pmr.generator.ground_truth import ground_truth_path, write_ground_truth
from pmr.generator.room import check_room, plan_words
from pmr.generator.writer import day_files, day_path, internal_columns, remove_other_formats, resent_path, write_day

__all__ = ["generate"]

CARRY = {"carry_req": "service_requests", "carry_resp": "service_responses", "carry_alert": "alerts"}
BATCH_REQUESTS = 3_000_000
SMALL_SOURCES = {
    "csp_test_messages": "csp_tests",
    "outages": "outages",
    "incidents": "incidents",
    "ch_firmware_events": "ch_events",
}


def check_request(start: dt.date, days: int, scale: float, fmt: str, landing: Path) -> None:
    """ValueError, before any work, for days the warehouse would quarantine (their
    timestamps out of range), a landing path that is not a folder, a landing folder
    with nothing beside it for the ground truth (a root), files that would not fit on
    its disk (pmr.generator.room), or a faults record beside it that cannot be read."""
    last = start + dt.timedelta(days=int(days) - 1)
    if start.year < FIRST_REPORTABLE_YEAR or last.year > LAST_REPORTABLE_YEAR:
        raise ValueError(f"the days {start} to {last} are not all in {FIRST_REPORTABLE_YEAR} to "
                         f"{LAST_REPORTABLE_YEAR}, the years a landing timestamp may fall in (others are quarantined "
                         "as out of range)")
    if Path(landing).exists() and not Path(landing).is_dir():
        raise ValueError(f"landing path is not a folder: {landing}")
    ground_truth_path(Path(landing))
    check_room(start, int(days), scale, fmt, Path(landing))
    from pmr.faults import check_record  # pmr.faults reads the generator's file names

    check_record(Path(landing))


def generate(start: dt.date, days: int, scale: float, seed: int, landing: Path,
             fmt: str = "parquet", progress: Callable[[str], None] | None = None) -> dict:
    began, cpu = time.perf_counter(), time.process_time()
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', got {fmt!r}")
    landing = Path(landing)
    check_request(start, days, scale, fmt, landing)
    if progress is not None:
        progress(plan_words(int(days), scale, fmt))
    later_days = sorted(day for day in day_files(landing) if day > start + dt.timedelta(days=int(days) - 1))
    for source in SOURCES:
        (landing / source).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pmr-generate-") as tmp:
        ctx = build_context(start, int(days), float(scale), int(seed), progress, Path(tmp))
        try:
            rows, storm_suppressed, removed, resent, sent_later = _run(ctx, landing, fmt)
            truth, warnings = write_ground_truth(ctx, landing, fmt, storm_suppressed, resent)
            stale_faults = _forget_faults_of(landing, start, int(days))
        finally:
            ctx.con.close()
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    req_seconds = ctx.timers.get("service_requests", 0.0)
    return {
        "rows": rows,  # rows generated; the re-sent copies' are in "resent"
        "resent": {str(path): count for _, _, path, count in resent},
        "alerts_sent_later": sent_later,  # of rows["alerts"]: their second delivery, sent
        "seconds": round(seconds, 3),
        "request_rows_per_s": round(rows["service_requests"] / req_seconds, 1) if req_seconds else 0.0,
        "rows_per_s": round(sum(rows.values()) / seconds, 1) if seconds else 0.0,
        "seconds_by_source": {k: round(v, 3) for k, v in sorted(ctx.timers.items())},
        # CPU seconds of all threads: a machine-load-independent view of the same work
        "cpu_seconds": round(cpu_seconds, 3),
        "cpu_seconds_by_source": {k: round(v, 3) for k, v in sorted(ctx.cpu_timers.items())},
        "ground_truth": str(truth),
        # files of the generated days in another format than this call's, deleted
        "removed_files": [str(path) for path in removed],
        "warnings": warnings + ([f"removed {len(stale_faults)} faults file(s) of the generated days "
                                 f"({', '.join(sorted({p.name for p in stale_faults}))}): they copied rows of the "
                                 "replaced files; run pmr inject-faults again for those days"]
                                if stale_faults else []) + ([
                                    f"the folder holds days after the generated ones ({later_days[0]} to "
                                    f"{later_days[-1]}): their files keep what an earlier call delivered late for "
                                    "the days just replaced (responses, alerts sent after a day's end), which no "
                                    "longer match them (an id with two contents is quarantined); generate through "
                                    f"{later_days[-1]} for a consistent folder"] if later_days else []),
    }


def _forget_faults_of(landing: Path, start: dt.date, days: int) -> list[Path]:
    from pmr.faults import forget_faults  # pmr.faults reads the generator's file names

    return forget_faults(landing, {start + dt.timedelta(days=i) for i in range(days)})


def _run(ctx: Context, landing: Path, fmt: str) -> tuple[dict[str, int], dict[str, int], list[Path], list[tuple], int]:
    con = ctx.con
    with ctx.timed("setup"):
        create_enum_types(con)
        con.execute("ALTER TABLE srv_cat ALTER srv TYPE e_srv")  # joined on the requests' ENUM srv
        norms = requests.profile_norms(ctx)
        plan_events(ctx)
        requests.build_scheduled_population(ctx)
        operations.build_incidents(ctx)
        operations.build_test_messages(ctx)
        operations.build_ch_firmware(ctx)
        # Rows held until their day is written: contract columns + day (+ storm tag for alerts).
        for table, source in CARRY.items():
            con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM ({_empty(source)}) WHERE false")
    n = ctx.n_days
    rows = {source: 0 for source in SOURCES}
    suppressed: dict[str, int] = {}
    removed: list[Path] = []
    resent: list[tuple] = []  # (day, source, path, rows) of each file delivered twice
    sent_later = 0  # alerts delivered unsent, then again sent the next day
    resent_days = {d for (d,) in con.execute("SELECT d FROM resent_days").fetchall()}
    total_premises = sum(ctx.premises.values())
    alert_per_min = {g: requests.STREAMS["alerts"].per_day * ctx.scale / 1440 * p / total_premises
                     for g, p in ctx.premises.items()}
    # Several days per statement amortise DuckDB's per-statement cost; ~3M requests a batch.
    size = max(1, min(7, int(BATCH_REQUESTS / (requests.REQUESTS_PER_DAY * ctx.scale))))

    for batch in ctx.batches(size):
        ctx.progress(f"generating {batch.days[0].date} .. {batch.days[-1].date}")
        with ctx.timed("service_requests"):
            requests.build_slots(ctx, batch)
            requests.build_counts(ctx, norms)
            chains.build_firmware(ctx)
            steps = " UNION ALL ".join([
                requests.scheduled_reads(ctx, batch), requests.single_requests(ctx), requests.dno_requests(ctx),
                requests.installs(ctx), chains.topups(ctx), chains.change_of_supplier(ctx),
                chains.change_of_tenancy(ctx), chains.firmware_steps(),
            ])
            outcomes.build_requests(ctx, steps, "carry_req", batch.d0)
            _check_not_before(ctx, "carry_req", f"batch = {batch.d0}", batch)
        with ctx.timed("service_responses"):
            # a response never precedes its request, which was checked above
            con.execute(f"INSERT INTO carry_resp SELECT * FROM ({outcomes.response_rows('carry_req', batch.d0)}) "
                        f"WHERE day < {n}")
        with ctx.timed("alerts"):
            con.execute(f"""CREATE OR REPLACE TEMP TABLE alert_new AS
                {outcomes.failed_request_alerts('carry_req', batch.d0)} UNION ALL {alerts.firmware_alerts()}
                UNION ALL {alerts.storm_alerts(ctx, batch, alert_per_min)}
                UNION ALL SELECT * FROM ({alerts.power_outage_alerts(ctx, batch)})""")
            for storm_id, count in con.execute(
                f"SELECT tag, count(*) FROM alert_new WHERE tag IS NOT NULL AND suppressed AND day < {n} GROUP BY tag"
            ).fetchall():
                suppressed[storm_id] = suppressed.get(storm_id, 0) + count
            _check_not_before(ctx, "alert_new", "true", batch)
            con.execute(f"INSERT INTO carry_alert SELECT * FROM alert_new WHERE day < {n}")

        for day in batch.days:
            d, label = day.idx, f"{day.date:%Y-%m-%d} ({day.idx + 1}/{n})"
            for source, carry in (("service_requests", "carry_req"), ("service_responses", "carry_resp"),
                                  ("alerts", "carry_alert")):
                ctx.progress(f"{source} {label}")
                with ctx.timed(source):
                    query = f"SELECT * FROM {carry} WHERE day = {d}"
                    if source == "alerts":
                        if d + 1 < n:  # before the day's held alerts are written and dropped
                            sent_later += con.execute(
                                f"INSERT INTO carry_alert {alerts.sent_later(ctx, day, 'carry_alert')}").fetchone()[0]
                        query = (f"SELECT * {alerts.unsent_at_end_of(day)} FROM ({query} UNION ALL "
                                 f"SELECT {internal_columns('alerts')}, day, tag FROM ({alerts.background_alerts(ctx, day)}))")
                    path = day_path(landing, source, day.date, fmt)
                    count = write_day(con, source, query, path, fmt)
                    rows[source] += count
                    removed += remove_other_formats(path)
                    if source == "service_responses" and d in resent_days:
                        copy = resent_path(path)
                        shutil.copyfile(path, copy)  # an exact re-delivery of the day's file
                        resent.append((day.date, source, copy, count))
            with ctx.timed("small_sources"):
                for source, table in SMALL_SOURCES.items():
                    path = day_path(landing, source, day.date, fmt)
                    rows[source] += write_day(con, source, f"SELECT * FROM {table} WHERE day = {d}", path, fmt)
                    removed += remove_other_formats(path)
        for table, source in CARRY.items():
            with ctx.timed(source):
                con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table} WHERE day >= {batch.d1}")
    return rows, suppressed, removed, resent, sent_later


def _check_not_before(ctx: Context, table: str, where: str, batch: Batch) -> None:
    """A batch must not make rows for a day already written."""
    early = ctx.con.execute(f"SELECT count(*) FROM {table} WHERE {where} AND day < {batch.d0}").fetchone()[0]
    if early:
        raise AssertionError(f"{early} rows of {table} generated for a day already written")


def _empty(source: str) -> str:
    """A zero-row SELECT with the internal types of a source (timestamps as BIGINT ms, ENUMs)."""
    cols = []
    for col in CONTRACT[source]:
        typ = "BIGINT" if col.type == "timestamp" else internal_type(source, col.name) or DUCKDB_TYPES[col.type]
        cols.append(f"NULL::{typ} AS {col.name}")
    if source == "service_requests":
        cols += [f"NULL::{internal_type(source, name) or typ} AS {name}" for name, typ in outcomes.HIDDEN_REQUEST_COLUMNS]
    else:
        cols.append("NULL::INTEGER AS day")
    if source == "alerts":
        cols.append("NULL::VARCHAR AS tag")
    return "SELECT " + ", ".join(cols)


