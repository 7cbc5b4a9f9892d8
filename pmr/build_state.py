"""Full or incremental dbt builds: what the warehouse last built, and what is new since.

A build is *incremental* when the last build finished with every model built, for
the same reporting period, from the same definitions (models, macros, seeds, the
landing contract, the engine and Python versions: the fingerprint), and every landing file
it read is still there, unchanged. Only files added since are then new; the
incremental models recompute only the partitions those files touch
(docs/incremental-builds.md). Anything else (a first build, a changed or removed
file, changed definitions, a build that failed half way, another period, or
`pmr run --full-refresh`) gives a *full* build from every file, which is always
correct.

State lives in the warehouse, beside the landing tables it describes:
- raw.build_state: one row, the fingerprint, period and status of the last build;
- raw.built_files: the landing files (size, modification time) the last
  successful build read;
- raw.<source>_parquet_new, raw.<source>_csv_new (made by pmr.ingest): the rows
  of the files not in raw.built_files, read by the incremental models.
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass
from importlib import metadata

import duckdb

from pmr import PROJECT_DIR

RAW = "raw"
FULL, INCREMENTAL = "full", "incremental"
# The code that reads landing files into raw.* (pmr.ingest and what it reads with):
# when it changes, ingest reads every file again, not only new and changed ones
READER_PATHS = (
    "pmr/contract.py", "pmr/ingest.py", "pmr/landing_file.py", "pmr/landing_csv.py", "pmr/landing_parquet.py",
    "pmr/csv_header.py", "pmr/delivered_format.py", "pmr/gzip_salvage.py", "pmr/csv_line_endings.py",
)
READER_ENGINES = ("duckdb",)
# What the staged tables are a function of, besides the landing files. The reader is
# among them, so files read again are always followed by a full build.
DEFINITION_PATHS = ("dbt_project.yml", "models", "macros", "seeds", "tests/dbt", *READER_PATHS)
ENGINES = (*READER_ENGINES, "dbt-core", "dbt-duckdb")
# The models that add to their previous build, and the partitions they recompute.
INCREMENTAL_MODELS = (
    *(f"stg_{source}__{part}" for source in ("service_requests", "service_responses", "alerts")
      for part in ("touched_keys", "touched_checked", "replaced_keys", "exceptions")),
    "int_requests_touched_keys",
    "int_requests_replaced_keys",
    "int_requests_stored_rows",
    "int_request_failure_alerts",
    "int_request_final_responses",
    "fct_service_requests",
    "int_user_devices_touched_keys",
    "int_topup_devices_touched_keys",
    "int_devices_touched_keys",
    "int_firmware_verification_alerts",
    "int_request_business_processes",
    "int_alert_business_processes",
    "int_alert_deliveries",
    "int_topup_attempts",
    "int_topup_chains",
    "int_cos_requests",
    "int_firmware_deliveries",
)
# Tables that earlier versions built in the warehouse file and no model builds any
# more: dbt never drops a relation it stopped building, so a build drops these, and
# nobody querying the warehouse reads their stale rows. The touched rows now live
# in the in-memory scratch database for one build only.
RETIRED_TABLES = tuple(f"staging.stg_{source}__touched_checked"
                       for source in ("service_requests", "service_responses", "alerts"))


@dataclass(frozen=True)
class BuildPlan:
    mode: str  # FULL or INCREMENTAL
    reason: str  # why, in words, for the run log and progress
    fingerprint: str
    period: str  # YYYY-MM: the models of the reporting period keep only its rows
    new_files: int

    @property
    def dbt_args(self) -> list[str]:
        return ["--full-refresh"] if self.mode == FULL else []


def definitions_fingerprint() -> str:
    """A hash of everything the built tables depend on other than the landing files."""
    return _fingerprint(DEFINITION_PATHS, ENGINES)


def reader_fingerprint() -> str:
    """A hash of the code and engine that read landing files into raw.* (pmr.ingest)."""
    return _fingerprint(READER_PATHS, READER_ENGINES)


def _fingerprint(paths: tuple[str, ...], engines: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in paths:
        root = PROJECT_DIR / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(PROJECT_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for engine in engines:
        digest.update(f"{engine}=={metadata.version(engine)}\0".encode())
    # Python itself reads CSV headers, gzip streams and text encodings (csv, zlib, codecs)
    digest.update(f"python=={platform.python_implementation()} {platform.python_version()}\0".encode())
    return digest.hexdigest()[:16]


def ensure_state_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW}")
    con.execute(
        f"""create table if not exists {RAW}.build_state (
            fingerprint varchar, status varchar, mode varchar, updated_at timestamp)"""
    )
    con.execute(f"alter table {RAW}.build_state add column if not exists period varchar")
    con.execute(
        f"""create table if not exists {RAW}.built_files (
            source varchar, file varchar, size_bytes bigint, mtime_ns bigint, status varchar)"""
    )


NEW_FILES = f"""
    select source, file, path, format from {RAW}.landing_files as now
    where status = 'loaded' and not exists (
        select 1 from {RAW}.built_files as built
        where built.file = now.file and built.size_bytes = now.size_bytes
          and built.mtime_ns = now.mtime_ns and built.status = now.status
    )"""


def plan(con: duckdb.DuckDBPyConnection, period: str, full_refresh: bool = False) -> BuildPlan:
    """Decide how the next dbt build of `period` (YYYY-MM) runs (creates the state
    tables if missing, writes nothing else)."""
    ensure_state_tables(con)
    fingerprint = definitions_fingerprint()
    new_files = con.execute(f"select count(*) from ({NEW_FILES})").fetchone()[0]

    def full(reason: str) -> BuildPlan:
        total = con.execute(f"select count(*) from {RAW}.landing_files where status = 'loaded'").fetchone()[0]
        return BuildPlan(FULL, reason, fingerprint, period, total)

    if full_refresh:
        return full("full refresh asked for")
    state = con.execute(f"select fingerprint, status, period from {RAW}.build_state").fetchone()
    if state is None:
        return full("first build of this warehouse")
    if state[1] != "built":
        return full("the last build did not finish")
    if state[0] != fingerprint:
        # any byte of those files, comments included: not the report's "definitions" (pmr.definitions)
        return full("a project file (models, macros, seeds, tests, the contract, ingest code) or the engine or "
                    "Python versions changed since the last build")
    if state[2] != period:
        return full(f"the last build was of another period, {state[2]}")
    changed = con.execute(
        f"""select built.file from {RAW}.built_files as built
            where not exists (
                select 1 from {RAW}.landing_files as now
                where now.file = built.file and now.size_bytes = built.size_bytes
                  and now.mtime_ns = built.mtime_ns and now.status = built.status
            )
            order by built.file limit 3"""
    ).fetchall()
    if changed:
        return full("landing files changed or removed since the last build: " + ", ".join(r[0] for r in changed))
    return BuildPlan(INCREMENTAL, f"{new_files} new landing file(s) since the last build", fingerprint, period,
                     new_files)


def mark_building(con: duckdb.DuckDBPyConnection, build: BuildPlan) -> None:
    """Recorded before dbt starts: a build that stops half way leaves this status,
    so the next build is full; it also drops the RETIRED_TABLES."""
    ensure_state_tables(con)
    for table in RETIRED_TABLES:
        con.execute(f"drop table if exists {table}")
    _record_state(con, build, "building")


def mark_built(con: duckdb.DuckDBPyConnection, build: BuildPlan) -> None:
    """Recorded when every model and seed was built: the landing files now in the
    warehouse are the ones this build read (nothing ingests during a build)."""
    con.execute("begin transaction")
    con.execute(f"delete from {RAW}.built_files")
    con.execute(
        f"""insert into {RAW}.built_files
            select source, file, size_bytes, mtime_ns, status from {RAW}.landing_files"""
    )
    _record_state(con, build, "built")
    con.execute("commit")


def _record_state(con: duckdb.DuckDBPyConnection, build: BuildPlan, status: str) -> None:
    con.execute(f"delete from {RAW}.build_state")
    con.execute(f"insert into {RAW}.build_state (fingerprint, status, mode, updated_at, period) "
                "values (?, ?, ?, now()::timestamp, ?)", [build.fingerprint, status, build.mode, build.period])


def models_all_built(results: list[dict]) -> bool:
    """True when dbt built every model and seed it selected, the incremental ones
    among them (tests may fail: the tables are still consistent with each other).
    A build of a selection without them leaves the next build full."""
    status = {r["unique_id"].split(".")[-1]: r.get("status")
              for r in results if r["unique_id"].split(".")[0] in ("model", "seed")}
    return (all(s == "success" for s in status.values())
            and all(status.get(model) == "success" for model in INCREMENTAL_MODELS))
