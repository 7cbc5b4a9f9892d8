"""`pmr runs`: the runs of a month under `<out>/.runs/<month>/`, oldest first, each as its
run log tells it (published, blocked or failed; final or provisional figures; the
definitions), and which one `<out>/<month>` shows: the versions of a month's report
without opening every run-log.json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmr.ad_hoc import text_table
from pmr.publish import RUNS, shows
from pmr.run_log import RUN_LOG, RunLog
from reports.format import uk_time

COLUMNS = ["started (UK)", "by", "status", "figures, or why none", "shown", "definitions", "folder"]
ERROR_WIDTH = 60


def month_runs(out: Path, month: str) -> list[list[str]]:
    """One row per run folder of `month` (COLUMNS), oldest first; a folder whose run log
    cannot be read says so."""
    parent = Path(out) / RUNS / month
    rows = []
    for folder in sorted(parent.iterdir()) if parent.is_dir() else []:
        if not folder.is_dir():
            continue
        shown = "<- shown" if shows(Path(out), month, folder) else ""
        try:
            log = RunLog.load(folder)
        except (OSError, ValueError, TypeError):
            rows.append(["", "", f"no readable {RUN_LOG}", "", shown, "", folder.name])
            continue
        if log.status == "published":
            figures = "provisional" if log.provisional else "final"
        elif log.status == "blocked":
            figures = "blocked by " + (", ".join(log.blocked_by) or "its checks")
        else:
            failed = log.failed_step()
            # the step and the first words of its error: "terminated (SIGTERM)" is not a broken build
            error = str(failed.get("error") or "failed").splitlines()[0] if failed else ""
            figures = f"{failed['step']}: {error[:ERROR_WIDTH]}" if failed else ""
        # uncommitted edits share a commit: the reference tables' hash tells their versions apart
        definitions = (f"{log.definitions.get('commit', '')}; seeds {str(log.definitions.get('seeds_sha256', ''))[:8]}"
                       if isinstance(log.definitions, dict) else "")
        rows.append([uk_time(log.started_at) or "", log.orchestrator, log.status, figures, shown, definitions,
                     folder.name])
    return rows


def cmd_runs(args: argparse.Namespace) -> int:
    rows = month_runs(args.out, args.month)
    if not rows:
        print(f"no runs of {args.month} under {Path(args.out) / RUNS / args.month}", file=sys.stderr)
        return 1
    print(f"runs of {args.month} in {Path(args.out) / RUNS / args.month}, oldest first:")
    print(text_table(COLUMNS, rows), end="")
    return 0
