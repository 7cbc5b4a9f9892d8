"""Running dbt for the warehouse: one place that knows the project, profile,
target folder and vars, used by `pmr run` (the Dagster assets use dagster-dbt
with the same settings, see orchestration/)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pmr import PROJECT_DIR, dbt_with_parent
from pmr.dbt_test_meanings import generic_test_meaning
from pmr.warehouse import (DAMAGED_TEXT, OUT_OF_DISK_TEXT, OutOfDisk, WarehouseDamaged, WarehouseLocked, is_lock_error,
                           lock_message, memory_limit, out_of_disk_message)

# the environment variable carrying a run's warehouse claim (pmr.run_claim) to dbt's
# on-run-start hook (macros/check_run_claim.sql); not a dbt var, since dbt parses the
# whole project again whenever a var changes, and the claim changes every run
RUN_CLAIM_ENV = "PMR_RUN_CLAIM"


@dataclass
class DbtResult:
    ok: bool
    results: list[dict]  # run_results.json "results"
    log_tail: str

    def failures(self) -> list[dict]:
        return [r for r in self.results if r.get("status") in ("error", "fail", "runtime error")]

    def warnings(self) -> list[dict]:
        return [r for r in self.results if r.get("status") == "warn"]


def dbt_env(db: Path, target_path: Path) -> dict[str, str]:
    """The environment dbt runs in for the warehouse `db`. run_dbt names the warehouse by
    its file name alone and runs dbt in its folder (see shared parse below)."""
    env = dict(os.environ)
    env["PMR_DB"] = str(db)
    env["PMR_MEMORY_LIMIT"] = memory_limit()
    env["DBT_TARGET_PATH"] = str(target_path)
    env["DBT_LOG_PATH"] = str(target_path / "logs")
    env["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DBT_USE_COLORS"] = "false"
    return env


def target_path_for(db: Path) -> Path:
    """dbt's target folder sits beside the warehouse file, so concurrent warehouses
    (tests, benchmarks) never share manifests."""
    return db.parent / f"{db.stem}.dbt-target"


# A warehouse's first dbt command parses the whole project (6-15 s); its later ones
# parse only what changed since, from the parse dbt keeps in the target folder. dbt
# accepts an earlier parse only under the same profile, which holds the warehouse's
# path: run_dbt names the warehouse by its file name alone, from its folder, so that
# a new warehouse (pmr check's, every test's) can start from the last parse of a
# warehouse of that name for the same period (a dbt var, which dbt also checks). dbt
# itself checks every file, var and setting of that parse against the project and
# parses again what differs.
PARTIAL_PARSE = "partial_parse.msgpack"
SHARED_PARSES = PROJECT_DIR / "warehouse" / ".dbt-parse"


def shared_parse_for(db: Path, period: str | None) -> Path:
    """Where the last parse of a warehouse named like `db`, for `period`, is kept for
    the next new one."""
    return SHARED_PARSES / f"{db.name}.{period or 'no-period'}.msgpack"


def _start_from_shared_parse(shared: Path, target_path: Path) -> None:
    parse = target_path / PARTIAL_PARSE
    if parse.exists() or not shared.is_file():
        return
    try:
        shutil.copyfile(shared, parse)
    except OSError:  # a cache: without it, dbt parses in full
        parse.unlink(missing_ok=True)


def _share_parse(target_path: Path, shared: Path) -> None:
    """Keep this warehouse's parse for the next new one (written aside, then renamed:
    another dbt may be reading the shared one)."""
    parse = target_path / PARTIAL_PARSE
    if not parse.is_file():
        return
    aside = None
    try:
        shared.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=shared.parent, prefix=shared.name, delete=False) as handle:
            aside = Path(handle.name)
        shutil.copyfile(parse, aside)
        os.replace(aside, shared)
    except OSError:  # a cache: the next new warehouse parses in full
        if aside is not None:
            aside.unlink(missing_ok=True)


def read_results(target_path: Path) -> list[dict]:
    """run_results.json's results, each test that did not pass with its description
    from the manifest when the project gives one, else a generic test's meaning in words
    (pmr.dbt_test_meanings): dbt's own message ("Got 28 results, configured to warn if != 0")
    says what failed, not what it means."""
    results_file = target_path / "run_results.json"
    if not results_file.exists():
        return []
    results = json.loads(results_file.read_text())["results"]
    manifest_file = target_path / "manifest.json"
    if manifest_file.exists() and any(r.get("status") in ("fail", "warn") for r in results):
        nodes = json.loads(manifest_file.read_text())["nodes"]
        for r in results:
            if r.get("status") not in ("fail", "warn"):  # hundreds pass: only a failure is worded
                continue
            node = nodes.get(r["unique_id"]) or {}
            worded = generic_test_meaning(node, nodes)
            description = node.get("description", "").strip() or str(worded or "")
            if worded and worded.rows_sql:
                r["meaning"], r["rows_sql"] = worded.meaning, worded.rows_sql
            if description:
                r["description"] = " ".join(description.split())
    return results


# What dbt's output says of a full disk, most telling first: DuckDB's words, naming
# the file; Python's, naming it when the call had one; the bare words
_FULL_DISK_NAMING_A_FILE = re.compile(
    rf'Could not write file "[^"\n]*": (?:{OUT_OF_DISK_TEXT.pattern})|'
    rf"\[Errno \d+\] (?:{OUT_OF_DISK_TEXT.pattern}): '[^'\n]*'")
_FULL_DISK = re.compile(rf"(?:\[Errno \d+\] )?(?:{OUT_OF_DISK_TEXT.pattern})")


def dbt_out_of_disk(texts: list[str], what: str) -> OutOfDisk | None:
    """The run-stopping error when dbt's output `texts` (its log, the error dagster-dbt
    raised, a result's message) say a disk filled up: a model's commit, a test's query
    and dbt's own files all fail then, and none of their failures is the data's."""
    text = "\n".join(texts)
    found = _FULL_DISK_NAMING_A_FILE.search(text) or _FULL_DISK.search(text)
    return OutOfDisk(out_of_disk_message(found.group(0), what)) if found else None


def dbt_damaged(text: str, what: str, db: Path) -> WarehouseDamaged | None:
    """The run-stopping error when dbt's output `text` says a block of the warehouse `db`
    failed its checksum: every model reading it would fail as a check, blocking the month
    for a fault that is not the data's."""
    damaged = next((line.strip() for line in text.splitlines() if DAMAGED_TEXT in line), None)
    return WarehouseDamaged(damaged, what, db) if damaged else None


# Progress shows each model and seed built and every test that does not pass; the
# hundreds of passing tests are summed up by the gate instead.
_PROGRESS = re.compile(r"\d+ of \d+ (OK|ERROR|FAIL|WARN)")


def _stop(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """Ask dbt to stop (SIGTERM), and kill it if it has not within the grace period."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_dbt(
    args: list[str],
    db: Path,
    period: str | None = None,
    progress: Callable[[str], None] | None = None,
    claim: str | None = None,
) -> DbtResult:
    """Run dbt `args` on the warehouse `db` for the reporting `period` (a dbt var); `claim`
    is the run's token (pmr.run_claim) that dbt's on-run-start hook checks."""
    target_path = target_path_for(db)
    target_path.mkdir(parents=True, exist_ok=True)
    command = [dbt_with_parent.executable(), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if period:
        command += ["--vars", json.dumps({"period": period})]
    results_file = target_path / "run_results.json"
    results_file.unlink(missing_ok=True)  # never read a previous run's results
    env = dbt_env(db, target_path) | {dbt_with_parent.PARENT_VARIABLE: str(os.getpid()), "PMR_DB": db.name}
    env.pop(RUN_CLAIM_ENV, None)
    if claim:
        env[RUN_CLAIM_ENV] = claim
    shared_parse = shared_parse_for(db, period)
    _start_from_shared_parse(shared_parse, target_path)
    process = subprocess.Popen(
        command, cwd=db.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    assert process.stdout is not None
    try:
        for line in process.stdout:
            line = line.rstrip()
            lines.append(line)
            if progress and _PROGRESS.search(line):
                progress("dbt " + line.split("  ", 1)[-1].strip())
        process.wait()
    except BaseException:
        _stop(process)  # a stopped run must not leave dbt writing to the warehouse
        raise
    log = "\n".join(lines)
    if process.returncode != 0 and is_lock_error(log):
        detail = next((l for l in lines if is_lock_error(l)), "").strip()
        raise WarehouseLocked(lock_message(db, detail))
    out_of_disk = dbt_out_of_disk([log], f"dbt {args[0]}") if process.returncode != 0 else None
    if out_of_disk:  # before run_results.json, which the full disk may have cut short
        raise out_of_disk
    damaged = dbt_damaged(log, f"dbt {args[0]}", db) if process.returncode != 0 else None
    if damaged:
        raise damaged
    results = read_results(target_path)
    _share_parse(target_path, shared_parse)
    return DbtResult(ok=process.returncode == 0, results=results, log_tail="\n".join(lines[-40:]))
