"""Why a run cannot start: the refusals asked before any step, so that a run refused
reads, builds and writes nothing (no run log either). `pmr run` (pmr.pipeline) and
the Dagster job (orchestration/) both ask them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmr import PROJECT_DIR, SOURCES, metric_declarations, publish
from pmr.calendar import deadline, month_has_ended, parse_month, period_bounds_utc
from pmr.ingest import landing_files
from pmr.warehouse import memory_limit


class RunRefused(ValueError):
    """The run cannot start: nothing was read, built or written."""


def check_month_can_be_reported(month: str, now: dt.datetime) -> None:
    """RunRefused for a month that has not ended (the PMR covers complete UK months; a
    partial one would publish as if final) or whose Working Days the bank-holiday seed
    does not cover. `pmr run` and the Dagster job both ask this first."""
    parse_month(month)
    if not month_has_ended(month, now):
        _, end = period_bounds_utc(month)
        raise RunRefused(f"{month} has not ended yet (it ends {end:%Y-%m-%d %H:%M} UTC); "
                         "the report covers complete months")
    try:
        deadline(month)
    except ValueError as error:
        raise RunRefused(str(error)) from None


def check_run_can_start(month: str, landing: Path, now: dt.datetime,
                        out: Path | None = None) -> list[metric_declarations.MetricModel]:
    """Refuse, before any step, a month check_month_can_be_reported refuses, a landing
    or output path that is not a folder, an output folder inside the landing folder, an
    `<out>/<month>` that publish could not replace (a real file or folder, not its
    link), an unusable PMR_MEMORY_LIMIT, a
    landing folder with no landing file, and a metric declaration that breaks
    docs/adding-a-metric.md (MetricDefinitionError). Returns the metric models declared."""
    check_month_can_be_reported(month, now)
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise RunRefused(f"output path is not a folder: {out}")
    if out is not None:
        check_out_outside_landing(Path(out), Path(landing))
        try:
            publish.check_publishable(Path(out), month)
        except FileExistsError as error:
            raise RunRefused(str(error)) from None
    try:
        memory_limit()
    except ValueError as error:
        raise RunRefused(str(error)) from None
    check_landing_holds_files(landing)
    return metric_declarations.check_declarations(PROJECT_DIR)


def check_out_outside_landing(out: Path, landing: Path) -> None:
    """RunRefused for an output folder inside the landing folder (or the landing folder
    itself), where the next run would read the published files as landing files and the
    gate block every run after the first; a hidden folder there is fine (ingest skips
    it). `pmr run` and the Dagster job both ask this."""
    out, landing = Path(out).resolve(), Path(landing).resolve()
    if out != landing and landing not in out.parents:
        return
    if any(part.startswith(".") for part in out.relative_to(landing).parts):
        return
    raise RunRefused(f"the output folder {out} is inside the landing folder {landing}: the next run would read the "
                     "published files as landing files; publish outside the landing folder")


def check_landing_holds_files(landing: Path) -> None:
    """RunRefused for a landing path that is missing, not a folder, or holds no landing
    file (an unmounted share, a wrong path): ingesting it would empty raw.* and build
    a month of nothing. `pmr run` and the Dagster job both ask this before ingest."""
    if not Path(landing).exists():
        raise RunRefused(f"landing folder not found: {landing}")
    if not Path(landing).is_dir():
        raise RunRefused(f"landing path is not a folder: {landing}")
    if not landing_files(Path(landing)):
        # a folder one level down that is a landing folder (landing/ for landing/demo/): the likely meaning
        nested = sorted(str(child) for child in Path(landing).iterdir()
                        if child.is_dir() and not child.name.startswith(".") and landing_files(child))
        hint = f"; {' and '.join(nested)} hold{'s' if len(nested) == 1 else ''} some: pass it as --landing" \
            if nested else ""
        # a source folder given for the landing folder (landing/demo/alerts for landing/demo)
        folder = Path(landing).resolve()
        if not nested and folder.name in SOURCES and landing_files(folder.parent):
            hint = f"; it is the {folder.name}/ folder of {folder.parent}: pass {folder.parent} as --landing"
        raise RunRefused(f"{landing} holds no landing file: the extracts go in its source folders "
                         f"({', '.join(s + '/' for s in SOURCES)}) as .csv, .csv.gz or .parquet files{hint}")
