"""`make bench`: measured speed and memory, printed as figures.

1. Generation throughput (service-request rows per second) at the given scale, and
   the generation floor: the same number of request rows made by the cheapest
   expressions and written by the generator's own writer, so the rate reads against
   what this machine can write at all.
2. `pmr run` for the month: wall time and peak memory (largest resident set of any
   process of the run: pmr itself and dbt).
3. The floor: the monthly RSVP table computed by one hand-written DuckDB query
   straight from the Parquet files, its time, the ratio pipeline / floor, and
   whether the two tables agree figure for figure (the check of exact medians at
   scale, against an implementation that shares no SQL with the models).
4. Detection quality where the pipeline provides a scorer (inferred outages,
   degraded install days), against the generator's ground truth.
5. The month-end run, incremental (docs/incremental-builds.md): a warehouse built
   from every day but the last, then `pmr run` once the last day's files land: wall
   time, peak memory and the ratio to the floor. Its metrics.csv must be
   byte-identical to the first, full build's: the incremental path equals a full
   build, and parallel aggregation does not leak into the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pmr import PROJECT_DIR, detection, install_detection
from pmr.generator.enums import create_enum_types
from pmr.generator.writer import write_day
from pmr.warehouse import connect

SEEDS = PROJECT_DIR / "seeds"


def floor_sql(landing: Path, month: str) -> str:
    """RSVP monthly per business process x segment (and All), written from
    metrics.md §3 directly against the landing files."""
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    files = lambda source: f"read_parquet('{landing}/{source}/*.parquet')"
    seed = lambda name: f"read_csv('{SEEDS}/{name}.csv', all_varchar = true)"
    return f"""
    with bounds as (
        select timezone('UTC', timezone('Europe/London', timestamp '{first} 00:00:00')) as lo,
               timezone('UTC', timezone('Europe/London', timestamp '{following} 00:00:00')) as hi
    ),
    srvs as (select srv, is_non_device = 'true' as non_device, cast(trt_s as double) as trt,
                    cast(nullif(smets1_trt_s, '') as double) as smets1_trt from {seed('srv_catalogue')}),
    procs as (select business_process, srv from {seed('business_process_srvs')}),
    answers as (
        select request_id,
               min(response_at) filter (where response_code <> 'I99') as answered_at,
               arg_min(response_code, response_at) filter (where response_code <> 'I99') as answer_code,
               min(response_at) filter (where response_code = 'I99') as acked_at
        from {files('service_responses')} group by request_id
    ),
    flagged as (
        select distinct request_id from {files('alerts')} where alert_code in ('N12', 'N13') and request_id is not null
    ),
    requests as (
        select q.request_id, q.srv,
               case when q.smets = 'SMETS1' then 'SMETS1' else q.csp_region end as segment,
               timezone('UTC', coalesce(q.execution_at, q.received_at)) as started,
               timezone('UTC', coalesce(a.answered_at, case when s.non_device then a.acked_at end)) as finished,
               coalesce(a.answer_code, case when s.non_device and a.acked_at is not null then 'I99' end) as code,
               case when q.smets = 'SMETS1' then coalesce(s.smets1_trt, s.trt) else s.trt end as trt,
               f.request_id is not null as flagged
        from {files('service_requests')} q
        join srvs s using (srv)
        left join answers a using (request_id)
        left join flagged f using (request_id), bounds
        where q.command_variant <> 4
          and timezone('UTC', q.received_at) >= bounds.lo and timezone('UTC', q.received_at) < bounds.hi
    ),
    events as (
        select p.business_process, r.segment,
               coalesce(r.code like 'E%' and r.code not in ('E20', 'E21', 'E201', 'E212', 'E30'), false) as rejected,
               -- whole microseconds: epoch() in seconds as a double loses them at today's epoch
               case when r.finished is not null then greatest(epoch_us(r.finished) - epoch_us(r.started), 0) / 1e6 end as rtt,
               r.trt,
               r.finished is null or r.code in ('E20', 'E21', 'E201', 'E212', 'E30') or r.flagged as failed
        from requests r join procs p using (srv)
        union all
        select 'alerts_management', case when smets = 'SMETS1' then 'SMETS1' else csp_region end, false,
               (epoch_us(delivered_at) - epoch_us(received_at)) / 1e6, 60, delivered_at is null
        from {files('alerts')}, bounds
        where alert_code in ('AD1', '8F35', '8F36') and not suppressed
          and timezone('UTC', received_at) >= bounds.lo and timezone('UTC', received_at) < bounds.hi
        -- an alert sent after its day is delivered unsent, then again sent: the sent one counts
        qualify delivered_at is not null or count(*) over (partition by alert_id) = 1
    )
    select business_process, coalesce(segment, 'All') as segment,
           count(*) as volume,
           count(*) filter (where rejected) as rejected,
           avg(rtt) filter (where not rejected) as mean_rtt_s,
           median(rtt) filter (where not rejected) as median_rtt_s,
           min(rtt) filter (where not rejected) as min_rtt_s,
           max(rtt) filter (where not rejected) as max_rtt_s,
           100.0 * count(*) filter (where not rejected and rtt <= trt) / nullif(count(*) filter (where not rejected), 0)
               as pct_within_trt,
           100.0 * count(*) filter (where not rejected and failed) / nullif(count(*) filter (where not rejected), 0)
               as pct_failed
    from events
    group by grouping sets ((business_process, segment), (business_process))
    """


def generation_floor(requests: int, days: int, folder: Path | None = None) -> float:
    """Request rows per second of the least work that makes the same files: `requests`
    rows of service_requests spread over `days` day files, every column a trivial
    function of the row number (ids, times, codes cycled through their ENUMs), written
    by the generator's writer (same columns, types, sort and Parquet options). No
    draws, no streams, no outcomes: what generation costs beyond this is the price of
    realistic rows. The files go to `folder` if given, else to a temporary one."""
    per_day = max(1, requests // days)
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute("set preserve_insertion_order = false")  # as the generator
    create_enum_types(con)
    cycle = lambda enum, n: f"(enum_range(NULL::{enum})::{enum}[])[1 + (i + {n}) % len(enum_range(NULL::{enum}))]"
    try:
        with tempfile.TemporaryDirectory(prefix="pmr-bench-floor-") as scratch:
            folder = Path(folder or scratch)
            started = time.perf_counter()
            for day in range(days):
                received = f"({day}::BIGINT * 86400000 + i * {86_400_000 // per_day})"
                rows = f"""
                    SELECT 'Q' || ({9_770 + day} * 10000000000 + i)::VARCHAR AS request_id,
                           {received} AS received_at, {cycle('e_user_id', 0)} AS user_id,
                           {cycle('e_user_role', 1)} AS user_role, {cycle('e_srv', 2)} AS srv,
                           1 + i % 3 AS command_variant, 'C' || (i % 100000)::VARCHAR || '-ESME' AS device_id,
                           {cycle('e_device_type', 3)} AS device_type, {cycle('e_smets', 4)} AS smets,
                           {cycle('e_region', 5)} AS csp_region,
                           CASE WHEN i % 10 = 0 THEN {received} + 3600000 END AS execution_at,
                           i % 500 AS dsp_processing_ms
                    FROM range({per_day}) r(i)"""
                write_day(con, "service_requests", rows, folder / f"{day:02d}.parquet", "parquet")
            seconds = time.perf_counter() - started
    finally:
        con.close()
    return per_day * days / seconds


FIGURES = ["volume", "rejected", "mean_rtt_s", "median_rtt_s", "min_rtt_s", "max_rtt_s", "pct_within_trt", "pct_failed"]


def compare(floor: dict, pipeline: dict) -> list[str]:
    differences = []
    for key in sorted(set(floor) | set(pipeline)):
        a, b = floor.get(key), pipeline.get(key)
        if a is None or b is None:
            if (a or b) and any((a or b)[i] for i in (0,)):  # rows with volume on one side only
                differences.append(f"{key}: only in {'floor' if b is None else 'pipeline'}")
            continue
        for name, x, y in zip(FIGURES, a, b):
            if x is None and y is None:
                continue
            if x is None or y is None or not math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-9):
                differences.append(f"{key} {name}: floor {x} pipeline {y}")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=PROJECT_DIR / "bench-data", help="scratch folder (deleted first)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--no-month-end", action="store_true",
                        help="skip the incremental month-end runs (a build of all days but the last, then the last)")
    args = parser.parse_args(argv)

    from pmr.generator import generate

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    landing, out, db = work / "landing", work / "out", work / "warehouse.duckdb"
    first = dt.date.fromisoformat(f"{args.month}-01")
    days = ((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first).days

    print(f"== bench: {args.month} at scale {args.scale} on {len(__import__('os').sched_getaffinity(0))} cores", flush=True)
    summary = generate(start=first, days=days, scale=args.scale, seed=args.seed, landing=landing,
                       progress=lambda m: print(f"   {m}", file=sys.stderr, flush=True))
    rows = summary["rows"]
    print(f"generate: {sum(rows.values()):,} rows in {summary['seconds']:.1f} s "
          f"(and {len(summary['resent'])} response files delivered twice: "
          f"{sum(summary['resent'].values()):,} duplicate rows); "
          f"service_requests {rows['service_requests']:,} at {summary['request_rows_per_s']:,.0f} rows/s")
    floor_rate = generation_floor(rows["service_requests"], days)
    print(f"generation floor (the same request rows as trivial values, same writer): {floor_rate:,.0f} rows/s; "
          f"generator / floor = {summary['request_rows_per_s'] / floor_rate:.2f}")

    pipeline_seconds, peak_mb = _pmr_run(args.month, landing, out, db)
    if pipeline_seconds is None:
        return 1
    run_log = json.loads((out / args.month / "run-log.json").read_text())
    steps = ", ".join(f"{s['step']} {s['seconds']:.1f} s"
                      + (f" for {s['bytes'] / 2**20:,.0f} MB" if "bytes" in s else "") for s in run_log["steps"])
    print(f"pmr run: {pipeline_seconds:.1f} s wall, peak memory {peak_mb:,.0f} MB ({steps})")

    floor_seconds, floor_rows = timed_floor(landing, args.month)
    floor = {(r[0], r[1]): r[2:] for r in floor_rows}
    with connect(db, read_only=True) as warehouse:
        pipeline_rows = warehouse.execute(
            f"select business_process, segment, {', '.join(FIGURES)} from marts.pmr_rsvp where day is null"
        ).fetchall()
    pipeline = {(r[0], r[1]): r[2:] for r in pipeline_rows if r[2]}
    differences = compare(floor, pipeline)
    print(f"floor (one DuckDB query on the Parquet files): {floor_seconds:.1f} s; "
          f"pipeline / floor = {pipeline_seconds / floor_seconds:.1f}x")
    print(f"RSVP monthly table: {len(floor)} rows; agree figure for figure: "
          f"{'YES' if not differences else 'NO'}")
    for line in differences[:20]:
        print(f"   {line}")

    with connect(db, read_only=True) as warehouse:
        drops = detection.load_drops(landing)
        spells = detection.spells_from_warehouse(warehouse, args.month)
        window = detection.period_window(warehouse, args.month)
    inferred = detection.score(spells, drops, window=window)
    print(f"inferred outages (regional drops of 30 min or more): {inferred.summary()}")
    for line in install_detection.bench_lines(landing, db, args.month):
        print(line)

    identical = True
    if not args.no_month_end:
        identical = _month_end(args.month, landing, work, out / args.month / "metrics.csv", floor_seconds)
        if identical is None:
            return 1

    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not differences and identical else 1


def timed_floor(landing: Path, month: str) -> tuple[float, list[tuple]]:
    """(seconds, rows) of the floor query on a fresh in-memory connection."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")  # keeps the printed figures readable
        started = time.perf_counter()
        rows = con.execute(floor_sql(landing, month)).fetchall()
        return time.perf_counter() - started, rows
    finally:
        con.close()


def _month_end(month: str, landing: Path, work: Path, full_csv: Path, floor_seconds: float) -> bool | None:
    """Build every day but the last, then time the run once the last day lands
    (incremental); True when its metrics.csv equals the full build's byte for byte."""
    partial, out, db = work / "landing-month-end", work / "out-month-end", work / "warehouse-month-end.duckdb"
    last = max(p.name.split(".")[0] for p in landing.glob("service_requests/*.*"))
    held_back = [p for p in landing.rglob("*.*") if p.name.split(".")[0] == last]
    for path in landing.rglob("*.*"):
        if path.is_file() and path not in held_back:
            (partial / path.relative_to(landing)).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, partial / path.relative_to(landing))
    # the last day is missing on purpose: publishing it must not be blocked for that
    days_before, _ = _pmr_run(month, partial, out, db, "--allow-missing-days")
    if days_before is None:
        return None
    for path in held_back:
        os.link(path, partial / path.relative_to(landing))
    seconds, peak_mb = _pmr_run(month, partial, out, db)
    if seconds is None:
        return None
    step = next(s for s in json.loads((out / month / "run-log.json").read_text())["steps"] if s["step"] == "dbt build")
    identical = full_csv.read_bytes() == (out / month / "metrics.csv").read_bytes()
    figures = len(full_csv.read_bytes().splitlines()) - 1
    print(f"month-end run ({step.get('mode')} build, {len(held_back)} files of {last} after {days_before:.1f} s "
          f"for the days before): {seconds:.1f} s wall, peak memory {peak_mb:,.0f} MB; "
          f"month-end / floor = {seconds / floor_seconds:.1f}x")
    # this machine's speed drifts by 20% or more over the minutes between the first
    # floor and the month-end run, so the floor is timed again beside it
    floor_again, _ = timed_floor(landing, month)
    print(f"floor again, straight after the month-end run: {floor_again:.1f} s; "
          f"month-end / that floor = {seconds / floor_again:.1f}x")
    print(f"month-end metrics.csv ({figures:,} figures) byte-identical to the full build's: "
          f"{'YES' if identical else 'NO'}")
    return identical


# Runs `pmr run` and reports the largest resident set of it and its children (dbt).
_MEASURED = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")


def _pmr_run(month: str, landing: Path, out: Path, db: Path, *options: str) -> tuple[float | None, float]:
    """(wall seconds, peak memory in MB) of one `pmr run`; seconds is None when it failed."""
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-c", _MEASURED, sys.executable, "-m", "pmr.cli", "run", "--month", month,
         "--landing", str(landing), "--out", str(out), "--db", str(db), *options], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_kb = int(process.stderr.strip().splitlines()[-1]) if process.stderr.strip() else 0
    if process.returncode != 0:
        print(process.stdout[-3000:], process.stderr[-3000:], sep="\n")
        print(f"pmr run FAILED with exit code {process.returncode}")
        return None, peak_kb / 1024
    return seconds, peak_kb / 1024


if __name__ == "__main__":
    sys.exit(main())
