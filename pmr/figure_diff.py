"""`pmr diff OLD NEW`: what changed between two versions of metrics.csv, figure by
figure. A re-issued report keeps the version it replaces under <out>/.runs/ (`pmr runs`
lists them), so a late file's effect, or a changed definition's, reads as a list of the
figures that moved, not a hand-made join of two files (whose empty breakdown cells would
not match in SQL). A figure is known by its key (metric_id, period and the breakdown
columns); values are compared as written, which is how a rerun is reproducible. Two
files of two different months (last month's report against this one's) are compared
month on month: each monthly figure against the same metric and breakdown's figure of
the other month, daily figures left out (their days differ)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pmr.ad_hoc import SHOWN_ROWS, text_table
from pmr.figure_compare import KEY, NUMBERS
from pmr.metrics import CSV_COLUMNS, published_metrics_damage, run_log_beside

COMPARED = tuple(c for c in CSV_COLUMNS if c not in KEY)  # value, unit, levels and labels
LISTED = ("change", *KEY, "column", "old", "new", "difference")


@dataclass
class FigureDiff:
    old_figures: int = 0
    new_figures: int = 0
    unchanged: int = 0
    rows: list[dict] = field(default_factory=list)  # one per difference, with the columns of LISTED
    months: tuple[str, str] | None = None  # (old, new) when the files are of two months
    daily_left_out: int = 0  # of both files, when months

    def count(self, change: str) -> int:
        return len({tuple(row[c] for c in KEY) for row in self.rows if row["change"] == change})


class NotMetrics(ValueError):
    """An argument that is neither a metrics.csv nor a folder holding one."""


def metrics_file(path: Path) -> Path:
    """`path`, or the metrics.csv in it when it is a folder (a published month, a run folder)."""
    found = path / "metrics.csv" if path.is_dir() else path
    if not found.is_file():
        raise NotMetrics(f"{path}: no metrics.csv" + (" in it" if path.is_dir() else ""))
    return found


def read_figures(path: Path) -> dict[tuple, dict]:
    """The figures of a metrics.csv by key. A file cut short is refused, not compared: its
    last figure's value cut would read as changed, and the figures after it as removed."""
    raw = path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise NotMetrics(f"{path}: not a metrics.csv (no column {', '.join(missing)})")
    figures = {}
    for row in reader:
        key = tuple(row[c] for c in KEY)
        if key in figures:
            raise NotMetrics(f"{path}: the figure {_named(dict(zip(KEY, key)))} appears twice")
        figures[key] = row
    damage = published_metrics_damage(raw, len(figures), run_log_beside(path))
    if damage:
        raise NotMetrics(f"{path}: damaged: {damage}")
    return figures


def _named(row: dict, leave_out: tuple[str, ...] = ()) -> str:
    return ", ".join(f"{c}={row[c]}" for c in KEY if row[c] and c not in leave_out)


def _difference(old: str, new: str) -> str:
    try:
        return f"{float(new) - float(old):+.6g}"
    except ValueError:  # a figure or a level that was, or became, empty
        return ""


def _single_period(figures: dict[tuple, dict]) -> str | None:
    periods = {row["period"] for row in figures.values()}
    return periods.pop() if len(periods) == 1 else None


def _monthly_by_breakdown(figures: dict[tuple, dict]) -> dict[tuple, dict]:
    """The monthly figures (no day) keyed without their period, to meet another month's."""
    return {tuple(row[c] for c in KEY if c != "period"): row for row in figures.values() if not row["day"]}


def diff(old_path: Path, new_path: Path) -> FigureDiff:
    old, new = read_figures(old_path), read_figures(new_path)
    result = FigureDiff(old_figures=len(old), new_figures=len(new))
    old_month, new_month = _single_period(old), _single_period(new)
    if old_month and new_month and old_month != new_month:
        result.months = (old_month, new_month)
        old, new = _monthly_by_breakdown(old), _monthly_by_breakdown(new)
        result.daily_left_out = result.old_figures + result.new_figures - len(old) - len(new)
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        keyed = {c: (after or before)[c] for c in KEY}  # of two months: the new month's, if it has the figure
        if before is None or after is None:
            result.rows.append({"change": "only in new" if before is None else "only in old", **keyed,
                                "column": "value", "old": before["value"] if before else "",
                                "new": after["value"] if after else "", "difference": ""})
            continue
        moved = [c for c in COMPARED if before[c] != after[c]]
        result.unchanged += not moved
        result.rows += [{"change": "changed", **keyed, "column": c, "old": before[c], "new": after[c],
                         "difference": _difference(before[c], after[c]) if c in NUMBERS else ""}
                        for c in moved]
    return result


def write_report(result: FigureDiff, old_path: Path, new_path: Path, as_csv: bool, out: TextIO) -> None:
    if as_csv:
        writer = csv.DictWriter(out, fieldnames=LISTED, lineterminator="\n")
        writer.writeheader()
        writer.writerows(result.rows)
        return
    print(f"old: {old_path} ({result.old_figures:,} figures)", file=out)
    print(f"new: {new_path} ({result.new_figures:,} figures)", file=out)
    if result.months:
        print(f"month on month, {result.months[0]} against {result.months[1]}: each monthly figure against the same "
              f"metric and breakdown's; {result.daily_left_out:,} daily figures left out (their days differ)",
              file=out)
    print(f"{result.count('changed'):,} changed, {result.count('only in old'):,} only in old, "
          f"{result.count('only in new'):,} only in new, {result.unchanged:,} unchanged", file=out)
    if not result.rows:
        return
    leave_out = ("metric_id", "period") if result.months else ("metric_id",)  # the header names the months
    shown = [(row["change"], row["metric_id"], _named(row, leave_out), row["column"], row["old"], row["new"],
              row["difference"]) for row in result.rows[:SHOWN_ROWS]]
    print(text_table(["change", "metric_id", "figure", "column", "old", "new", "difference"], shown), end="",
          file=out)
    if len(result.rows) > SHOWN_ROWS:
        print(f"... {len(result.rows) - SHOWN_ROWS:,} more differences: --csv lists every one", file=out)


def add_diff_command(commands, path_type) -> None:
    difference = commands.add_parser(
        "diff", help="list the figures that differ between two versions of metrics.csv",
        description="Compare two versions of metrics.csv (files, or folders holding one: a published month "
        "<out>/MONTH, or a run folder that `pmr runs` lists) figure by figure, a figure known by its metric id, "
        "period and breakdown, and list every figure whose value, unit or levels changed, or that only one "
        "has. Two months' files (e.g. OUT/2026-09 OUT/2026-10) are compared month on month: each monthly "
        "figure against the same metric and breakdown's, daily figures left out. Exit code 0 when they hold "
        "the same figures, 1 when some differ, 2 when either is not a metrics.csv or is one cut short (its last "
        "line, or fewer figures than the run-log.json beside it says).",
    )
    difference.add_argument("old", type=path_type, help="the earlier metrics.csv, or a folder holding it")
    difference.add_argument("new", type=path_type, help="the later metrics.csv, or a folder holding it")
    difference.add_argument("--csv", action="store_true", help="write every difference as CSV")
    difference.set_defaults(handler=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        old_path, new_path = metrics_file(args.old), metrics_file(args.new)
        result = diff(old_path, new_path)
    except (NotMetrics, UnicodeDecodeError, csv.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_report(result, old_path, new_path, args.csv, sys.stdout)
    return 1 if result.rows else 0
