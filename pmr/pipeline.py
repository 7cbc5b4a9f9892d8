"""`pmr run`: build one month of the warehouse and publish its report.

ingest (landing -> raw) -> dbt build (staging, facts, marts, dbt tests) ->
publication gate (pmr.gate) -> render (reports/) -> atomic publish (pmr.publish).

Every run writes a run log (steps, durations, row counts, check results) into its
own run folder, published or not. The Dagster job runs the same steps (see
orchestration/), so both share one implementation of the gate.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from pmr import gate, publish
from pmr.dbt_runner import target_path_for
from pmr.metrics import collect
from pmr.calendar import parse_month
from pmr.dbt_runner import run_dbt
from pmr.ingest import ingest
from pmr.warehouse import connect, db_path

Progress = Callable[[str], None]


@dataclass
class RunLog:
    month: str
    landing: str
    warehouse: str
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    status: str = "running"
    steps: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    published: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[dict]:
        record: dict = {"step": name}
        started = time.perf_counter()
        try:
            yield record
            record["status"] = "ok"
        except BaseException as error:
            record["status"] = "error"
            record["error"] = str(error)
            raise
        finally:
            record["seconds"] = round(time.perf_counter() - started, 3)
            self.steps.append(record)

    def write(self, folder: Path) -> Path:
        path = folder / "run-log.json"
        path.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n")
        return path


class PublicationBlocked(RuntimeError):
    """Blocking checks failed; nothing was published."""

    def __init__(self, failures: list[gate.CheckResult], run_folder: Path):
        self.failures, self.run_folder = failures, run_folder
        lines = [f"  - {f.name}: {f.detail}" for f in failures]
        super().__init__("publication blocked by failing checks:\n" + "\n".join(lines))


def build(month: str, landing: Path, db: Path, log: RunLog, progress: Progress) -> list[gate.CheckResult]:
    """Ingest and dbt build; returns dbt's check results (tests) for the gate."""
    with log.step("ingest") as record, connect(db) as con:
        report = ingest(con, landing, progress)
        record.update(
            files_loaded=len(report.loaded),
            files_unchanged=len(report.unchanged),
            files_removed=len(report.removed),
            files_skipped=report.skipped,
            rows_loaded=report.rows_loaded,
        )
        for key, reason in report.skipped.items():
            progress(f"skipped {key}: {reason}")
    with log.step("dbt build") as record:
        result = run_dbt(["build", "--exclude-resource-type", "unit_test"], db, period=month, progress=progress)
        record["nodes"] = len(result.results)
        record["rows"] = {
            r["unique_id"].split(".")[-1]: r.get("adapter_response", {}).get("rows_affected")
            for r in result.results
            if r["unique_id"].startswith("model.")
        }
    checks = gate.from_dbt(result)
    if result.ok:
        with log.step("collect metrics") as record, connect(db) as con:
            record["rows"] = collect(con, target_path_for(db) / "manifest.json", month)
    return checks


def run_month(month: str, landing: Path, out: Path, db: Path | None = None, progress: Progress | None = None) -> Path:
    """Build and publish `month`; returns the published folder. Raises
    PublicationBlocked when a blocking check fails (the published report, if any,
    is left as it was)."""
    from reports.render import render_report

    parse_month(month)
    progress = progress or (lambda message: None)
    db = db or db_path()
    out = Path(out)
    log = RunLog(month=month, landing=str(landing), warehouse=str(db))
    run_folder = publish.new_run_folder(out, month)
    try:
        dbt_checks = build(month, Path(landing), db, log, progress)
        with log.step("checks") as record, connect(db, read_only=True) as con:
            progress("checks: running the publication gate")
            checks = gate.evaluate(con, month, dbt_checks, progress)
            log.checks = [asdict(c) for c in checks]
            blocking = [c for c in checks if c.blocking and not c.passed]
            record.update(passed=sum(c.passed for c in checks), failed=len(blocking))
        if blocking:
            log.status = "blocked"
            raise PublicationBlocked(blocking, run_folder)
        with log.step("render") as record, connect(db, read_only=True) as con:
            progress("render: writing the report")
            record["files"] = render_report(con, month, run_folder, checks, log)
        with log.step("publish"):
            link = publish.publish(run_folder, out, month)
        log.status, log.published = "published", str(link)
        progress(f"published {link}")
        return link
    except BaseException:
        if log.status == "running":
            log.status = "failed"
        raise
    finally:
        log.write(run_folder)
