"""The run log: what a run did and how its publication stands (run-log.json in its
run folder), and the readers of a month's published run log that the schedule, the
sensors and a re-issue rely on."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterator

from pmr import gate, publish, stops
from pmr.calendar import parse_month, working_days_phrase
from pmr.warehouse import machine_limit

RUN_LOG = "run-log.json"


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# The checks whose failure makes a publication's figures provisional (a later run, with the
# data that had not landed, changes them), with the words that say why.
PROVISIONAL_WHEN_FAILED = {
    gate.DAYS_CHECK: "an incomplete month: days without data",
    gate.FOLLOW_UP_CHECK: "the data after the month has not all landed",
}


@dataclass
class RunLog:
    month: str
    landing: str
    warehouse: str
    started_at: str = field(default_factory=utc_now_iso)
    status: str = "running"  # running, published, blocked, failed
    steps: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    published: str | None = None
    blocked_by: list[str] = field(default_factory=list)  # names of the failed blocking checks
    timeliness: dict | None = None  # pmr.calendar.publication_timeliness of the publication
    # figures that are not yet the month's: they look past the month before that data landed
    # (the follow-up check failed), or days of the month had no data (published with
    # allow_missing_days, "Incomplete month")
    provisional: bool = False
    # the timeliness of the month's first publication with final figures, when this one is a
    # later publication (a re-issue) or is provisional: Requirement 4 judges that one
    first_publication: dict | None = None
    # the publication of the month this one replaces: when it was published, whether its
    # figures were provisional, and its run folder (which stays, a version to go back to)
    replaces: dict | None = None
    # the previous month's publication whose metrics.csv gave this report's previous
    # levels ({"month", "published_at", "metrics_sha256", "caveats": failed_caveats of its
    # log}; published_at None when that report has no readable run log), None when no
    # figure of that month was read (none published beside it, or a damaged one)
    previous_levels_from: dict | None = None
    # the definitions the figures were computed with (pmr.definitions.definitions_record):
    # the version the report's header names and a fingerprint per metric model
    definitions: dict | None = None
    # later months' published reports whose previous levels this publication made stale
    # (they show other figures or caveats of this month, or none): run them again
    stale_reports: list[str] = field(default_factory=list)
    orchestrator: str = "pmr run"  # or "dagster"
    run_id: str | None = None  # the Dagster run id
    allow_missing_days: bool = False  # a day of the month without data warns instead of blocking
    # the token this run holds the warehouse by, and when its first writing step took it
    # (pmr.run_claim): a Dagster run's is its run id
    claim: str = field(default_factory=lambda: uuid.uuid4().hex)
    claimed_at: str | None = None
    finished_at: str | None = None
    # the process that runs the steps (`pmr run`, or a Dagster run's) and its machine: a later
    # run closes the log of one killed outright
    pid: int | None = None
    host: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[dict]:
        record: dict = {"step": name, "started_at": utc_now_iso()}
        started = time.perf_counter()
        try:
            yield record
            # the dbt build finishes even when tests or models fail; its status says so
            record["status"] = "failed checks" if record.get("ok") is False else "ok"
        except BaseException as error:
            # DuckDB's advice on memory (SET memory_limit) is not how pmr sets it, and "No
            # space left on device" says neither where nor when
            stop = machine_limit(error, f"the {name} step") or stops.stop_behind(error)
            if stop is None and isinstance(error, OSError):
                error.add_note(f"during the {name} step")
            record["status"] = "error"
            record["error"] = _error_words(stop or error)
            if stop is not None and stop is not error:
                raise stop from None
            raise
        finally:
            record["seconds"] = round(time.perf_counter() - started, 3)
            self.steps.append(record)
            self._checkpoint()

    def close_as_failed(self, step: str, error: str) -> None:
        """A run that stopped outside its steps (killed, terminated): the step `step`
        says how, and the log is closed as failed."""
        self.steps.append({"step": step, "status": "error", "error": error})
        self.status, self.finished_at = "failed", utc_now_iso()

    def keep_written_in(self, folder: Path) -> None:
        """Write the log into `folder` after each step from now on, so a run killed outright
        leaves the steps it finished (`pmr run`; a Dagster run saves after each asset)."""
        self._folder = Path(folder)
        self.write(self._folder)

    def _checkpoint(self) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            try:
                self.write(folder)
            except OSError:  # a full disk: the run's last write reports it, or its own error does
                pass

    def failed_step(self) -> dict | None:
        """The record of the last step that ended in an error, if any."""
        return next((s for s in reversed(self.steps) if s.get("status") == "error"), None)

    def step_record(self, name: str) -> dict | None:
        """The latest record of step `name`, if it ran."""
        return next((s for s in reversed(self.steps) if s["step"] == name), None)

    def check_results(self) -> list[gate.CheckResult]:
        return [gate.CheckResult(**c) for c in self.checks]

    def record_checks(self, checks: list[gate.CheckResult]) -> None:
        self.checks = [asdict(c) for c in checks]
        self.provisional = any(c.name in PROVISIONAL_WHEN_FAILED and not c.passed for c in checks)
        self.blocked_by = [c.name for c in gate.blocking_failures(checks)]

    def requirement_4(self) -> dict | None:
        """The timeliness Requirement 4 judges: that of the month's first publication with
        final figures (this one's, unless an earlier one was final, or this one is
        provisional); None while no publication of the month has had final figures."""
        return self.first_publication or (None if self.provisional else self.timeliness)

    def write(self, folder: Path) -> Path:
        """Write run-log.json into `folder`, atomically (a reader never sees half a log)."""
        path = Path(folder) / RUN_LOG
        temporary = path.with_suffix(".json.tmp")
        try:
            temporary.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n")
            os.replace(temporary, path)
        except BaseException:  # a full disk: leave no half-written log beside the last whole one
            temporary.unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, folder: Path) -> "RunLog":
        data = json.loads((Path(folder) / RUN_LOG).read_text())
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def close_abandoned_logs(out: Path, month: str) -> list[str]:
    """Mark failed each run log of `month` that a run on this machine left "running" when
    its process was killed outright (SIGKILL, the out-of-memory killer, a power cut): a
    `pmr run`, or a Dagster run started outside the run queue (`dagster job execute`),
    which no Dagster daemon watches. Nothing else would ever close such a log. Returns
    what was done, in words, for each. A log whose process is still there, of another
    machine, without a process id (written before logs had one) or of the folder
    published (killed as it published) is left alone, and so is one that cannot be
    written (another user's folder): the new run goes on."""
    parent = Path(out) / publish.RUNS / month
    said = []
    for path in sorted(parent.glob(f"*/{RUN_LOG}")) if parent.is_dir() else []:
        try:
            log = RunLog.load(path.parent)
        except (OSError, ValueError, TypeError):  # not a log pmr can read: not one to close
            continue
        if (log.status != "running" or log.orchestrator not in ("pmr run", "dagster") or log.pid is None
                or log.host != socket.gethostname() or _process_exists(log.pid)
                or publish.shows(Path(out), month, path.parent)):
            continue
        run = "pmr run" if log.orchestrator == "pmr run" else "Dagster run"
        log.close_as_failed(run.lower(), f"the {run} process ({log.pid}) stopped before it closed this log (killed "
                                         "outright?); nothing was published by it")
        try:
            log.write(path.parent)
        except OSError as error:
            said.append(f"could not mark failed the run log of an earlier {run} killed before it finished: "
                        f"{path} ({error})")
        else:
            said.append(f"closed the run log of an earlier {run} killed before it finished: {path} (failed)")
    return said


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _error_words(error: BaseException) -> str:
    """What the run log says of a step's error: its message, or words of its own for a
    stop, which carries none: Ctrl-C, Dagster's terminating a run (it interrupts the step
    with DagsterExecutionInterruptedError), or a DuckDB query a stop interrupted whose
    stop pmr's handlers did not raise (pmr.stops)."""
    if (isinstance(error, KeyboardInterrupt) or type(error).__name__ == "DagsterExecutionInterruptedError"
            or stops.is_interrupted_query(error)):
        return "interrupted: the run was stopped during this step"
    return str(error) or type(error).__name__


def provisional_because(log: RunLog) -> str:
    """Why a publication's figures are provisional: PROVISIONAL_WHEN_FAILED's words for
    the checks it failed."""
    failed = {check["name"] for check in log.checks if not check.get("passed")}
    return "; ".join(why for name, why in PROVISIONAL_WHEN_FAILED.items() if name in failed)


def requirement_4_phrase(log: RunLog) -> str:
    """How a publication stands against Requirement 4, in words for a console or a check."""
    judged = log.requirement_4()
    because = provisional_because(log)
    provisional = f"PROVISIONAL figures{f' ({because})' if because else ''}; " if log.provisional else ""
    if judged is None:
        if not log.timeliness["on_time"]:
            return f"{provisional}final figures were due by the end of {log.timeliness['deadline']}: LATE"
        return (f"{provisional}due with final figures by the end of {log.timeliness['deadline']}, "
                "when Requirement 4 is judged")
    first = f"first published with final figures {judged['published_uk_date']}, " if log.first_publication else ""
    # the date as well as the count: published on the Saturday after the deadline is
    # still "10 Working Days after the period", and LATE
    published = "" if log.first_publication else f"published {judged['published_uk_date']}, "
    return (f"{provisional}{first}due {judged['deadline']}, {published}"
            f"{working_days_phrase(judged['working_days_after_period_end'])} after the period: "
            f"{'on time' if judged['on_time'] else 'LATE'}")


# the checks whose failure a report names beside the previous levels it reads from it
CAVEAT_CHECKS = (gate.FOLLOW_UP_CHECK, gate.DAYS_CHECK, gate.DELIVERY_CHECK)
TIMELINESS_KEYS = ("deadline", "published_at", "published_uk_date", "working_days_after_period_end", "on_time")


def failed_caveats(log: dict | None) -> list[str]:
    """The CAVEAT_CHECKS that a run log (as JSON) records as failed, in that order; none
    when it records no readable checks (a log edited or damaged by hand)."""
    checks = log.get("checks") if isinstance(log, dict) else None
    if not isinstance(checks, list):
        return []
    failed = {c.get("name") for c in checks if isinstance(c, dict) and not c.get("passed")}
    return [name for name in CAVEAT_CHECKS if name in failed]


def complete_timeliness(timeliness) -> bool:
    """Whether a run log's timeliness record holds everything Requirement 4's judgement
    reads (one edited by hand may not)."""
    return isinstance(timeliness, dict) and all(key in timeliness for key in TIMELINESS_KEYS)


def published_run_log(out: Path, month: str) -> RunLog | None:
    """The run log of `<out>/<month>`'s published report (None when nothing is
    published, or its run log cannot be read)."""
    try:
        return RunLog.load(publish.published_folder(Path(out), month))
    except (OSError, ValueError, TypeError):
        return None


def earlier_publication(out: Path, month: str, progress: Callable[[str], None]) -> RunLog | None:
    """The run log of the report published for `month` that a new one replaces, when it
    says when it was published; else None, with a warning when a report is published
    all the same: the new one cannot name what it replaces, and Requirement 4 is judged
    on it and later ones."""
    earlier = published_run_log(out, month)
    shown = publish.published_folder(out, month)
    if earlier is None and (shown / "pmr.html").exists():
        progress(f"warning: {month}'s published report has no readable run log ({shown / RUN_LOG}: missing, or cut "
                 "short): this report cannot name the version it replaces, and Requirement 4 is judged on this "
                 "publication and later ones")
    if earlier is not None and not (complete_timeliness(earlier.timeliness) and (
            earlier.first_publication is None or complete_timeliness(earlier.first_publication))):
        progress(f"warning: the run log of {month}'s published report does not say fully when it was published: "
                 "Requirement 4 is judged on this publication and later ones")
        return None
    return earlier


def reports_made_stale(out: Path, month: str, published_metrics: Path, caveats: list[str]) -> list[str]:
    """The month after `month`, when its published report took its previous levels from
    other figures than `published_metrics` (another version of `month`'s metrics.csv, by
    content) or with other caveats (`caveats`: run_log.failed_caveats, which its note
    names), or from none (it was published first), or cannot say (no readable run log or
    figures, or a log from before the record): a republication that changes what that
    report should show beside its figures is seen only when it runs again. One that
    changes neither leaves it as it is."""
    later = (parse_month(month)[1] + dt.timedelta(days=1)).strftime("%Y-%m")
    folder = publish.published_folder(out, later)
    if not (folder.exists() or folder.is_symlink()):  # a link to a removed folder is still a publication
        return []
    log = published_run_log(out, later)
    used = log.previous_levels_from if log is not None else None
    now = hashlib.sha256(Path(published_metrics).read_bytes()).hexdigest()
    same = isinstance(used, dict) and used.get("metrics_sha256") == now and used.get("caveats") == caveats
    return [] if same else [later]


def published_is_provisional(out: Path, month: str) -> bool:
    """Whether `<out>/<month>`'s published report has provisional figures."""
    log = published_run_log(out, month)
    return log is not None and log.provisional


def open_run_log(folder: Path, month: str, landing: Path, db: Path, run_id: str | None = None) -> RunLog:
    """The run log of an orchestrated run: loaded if an earlier step wrote it."""
    if (Path(folder) / RUN_LOG).exists():
        return RunLog.load(folder)
    return RunLog(month=month, landing=str(landing), warehouse=str(db), orchestrator="dagster", run_id=run_id,
                  pid=os.getpid(), host=socket.gethostname(), **({"claim": run_id} if run_id else {}))
