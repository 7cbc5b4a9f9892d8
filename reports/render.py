"""Render a month's outputs into a run folder: quality.csv, metrics.csv, pmr.html."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2
import pandas as pd

from expectations.frames import follow_up_coverage, source_deliveries, uk_days_without_data
from pmr.calendar import parse_month, period_bounds_utc, previous_month, publication_timeliness
from pmr.definitions import definitions_version
from pmr.gate import DAY_ENDS_CHECK, DAYS_CHECK
from pmr.metric_parameters import duration
from pmr.metric_tables import CATALOGUE, TABLE
from pmr.metrics import CSV_COLUMNS, csv_order_by, published_metrics_damage, run_log_beside
from pmr.run_log import failed_caveats, provisional_because
from reports.charts import ChartEmbedder, javascript_bundle
from reports.context import ReportContext
from reports.format import esc, uk_local, uk_time

QUALITY_COLUMNS = ["source", "file", "rows_read", "accepted", "duplicates", "quarantined", "reason"]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # shortest text that reads back as the same double, in plain decimals (no
        # exponent, which some readers of a CSV do not take); whole numbers without ".0"
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return format(Decimal(repr(value)), "f") if math.isfinite(value) else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[_csv_value(v) for v in row] for row in rows])
    return path


def write_quality_csv(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    rows = con.execute(
        f"""select {", ".join(QUALITY_COLUMNS)} from staging.quality_report
            order by source, file, reason nulls first"""
    ).fetchall()
    return _write_csv(folder / "quality.csv", QUALITY_COLUMNS, rows)


def write_metrics_csv(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    rows = con.execute(f"select {', '.join(CSV_COLUMNS)} from {TABLE} order by {csv_order_by()}").fetchall()
    return _write_csv(folder / "metrics.csv", list(CSV_COLUMNS), rows)


@dataclass
class PreviousReport:
    """The previous month's published report as this one reads it: its metrics.csv as
    text (empty = no value), the run-log.json beside it, why that metrics.csv could not
    be used, and its sha256 (which version it was)."""

    metrics: pd.DataFrame | None = None
    log: dict | None = None
    problem: str | None = None
    sha256: str | None = None

    def levels_from(self, month: str) -> dict | None:
        """The run log's record of the publication whose figures gave the previous
        levels: None when no figure of it was read."""
        if self.metrics is None:
            return None
        timeliness = (self.log or {}).get("timeliness")
        return {"month": month, "metrics_sha256": self.sha256, "caveats": failed_caveats(self.log),
                "published_at": timeliness.get("published_at") if isinstance(timeliness, dict) else None}


def read_previous_report(path: Path | None) -> PreviousReport:
    """The previous month's published report at `path` (its metrics.csv). A damaged file
    there costs this report its previous levels, not its publication: `problem` says
    why, for the note under the table. A file cut short is damaged too: it must end with
    a line ending and hold as many figures as its run log says were collected."""
    if path is None or not Path(path).is_file():
        return PreviousReport()
    log = run_log_beside(path)  # as published_run_log: None for no log, or one that cannot be read
    try:
        raw = Path(path).read_bytes()  # read once: parsed here, hashed below
        previous = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
        missing = [c for c in CSV_COLUMNS if c not in previous.columns]
        if missing:
            raise ValueError(f"it has no column {', '.join(missing)}")
        damage = published_metrics_damage(raw, len(previous), log)
        if damage:
            raise ValueError(damage)
    except (OSError, ValueError, pd.errors.ParserError) as error:  # EmptyDataError is a ValueError
        return PreviousReport(log=log, problem=str(error).splitlines()[0] if str(error) else type(error).__name__)
    return PreviousReport(metrics=previous, log=log, sha256=hashlib.sha256(raw).hexdigest())


def write_html(con: duckdb.DuckDBPyConnection, month: str, folder: Path, checks, log,
               previous_metrics: Path | None = None) -> Path:
    from reports.sections import all_sections, provisional_note, shown_ids

    # in metrics.csv's order: tables are written in parallel, so their own row order
    # changes from build to build, and the charts' data must not
    metrics = con.execute(f"select * from {TABLE} order by {csv_order_by()}").df()
    catalogue = con.execute(f"select * from {CATALOGUE} order by metric_id").df()
    first, last = parse_month(month)
    # the run log's timeliness (pmr.calendar), so the page and run-log.json agree
    timeliness = (log.timeliness if log is not None and getattr(log, "timeliness", None)
                  else publication_timeliness(month, dt.datetime.now(dt.timezone.utc)))
    # Requirement 4 judges the month's first publication with final figures (None: none yet)
    first_publication = getattr(log, "first_publication", None)
    judged = log.requirement_4() if log is not None else timeliness
    # the version the run recorded with its figures, so the header and run-log.json agree
    recorded = getattr(log, "definitions", None) if log is not None else None
    commit, seeds_hash = ((recorded["commit"], recorded["seeds_sha256"]) if isinstance(recorded, dict)
                          else definitions_version())
    windows = follow_up_coverage(con)
    provisional_ids = frozenset(
        metric_id for label in windows.loc[~windows["covered"], "label"] for metric_id in label.split(", "))
    previous = read_previous_report(previous_metrics)
    if log is not None:
        log.previous_levels_from = previous.levels_from(previous_month(first))
    ctx = ReportContext(month=month, con=con, metrics=metrics, catalogue=catalogue, checks=checks, run=log,
                        provisional_ids=provisional_ids, previous=previous.metrics, previous_log=previous.log,
                        previous_problem=previous.problem,
                        days_without_data=tuple(uk_days_without_data(con, month)))
    charts = ChartEmbedder()
    sections = [
        {"key": s.key, "title": s.title, "html": provisional_note(s, ctx) + s.render(ctx, charts)}
        for s in all_sections()
        if s.key != "other" or shown_ids(s, ctx)  # "Other figures" only when a figure has no layout of its own
    ]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=False,
        keep_trailing_newline=True,
    )
    page = environment.get_template("pmr.html.j2").render(
        month_name=first.strftime("%B %Y"),
        period_bounds=f"{first.isoformat()} to {last.isoformat()}",
        deadline=timeliness["deadline"],
        published=uk_time(timeliness["published_at"]),
        reissue_of=first_publication["published_uk_date"] if first_publication else None,
        replaces=replaced_version(getattr(log, "replaces", None)),
        judged=judged is not None,
        working_days=(judged or timeliness)["working_days_after_period_end"],
        on_time=(judged or timeliness)["on_time"],
        definitions_commit=commit,
        seeds_hash=seeds_hash,
        figure_count=f"{len(metrics):,}",
        figures_status=figures_status(log, bool(provisional_ids or ctx.days_without_data)),
        unverified=unverified_references(con),
        incomplete=incomplete_notice(checks),
        undelivered=undelivered_notice(con, month),
        provisional=provisional_notice(con, windows),
        sections=sections,
        vega_bundle=javascript_bundle().replace("</script", "<\\/script"),
    )
    path = folder / "pmr.html"
    path.write_text(page)
    return path


def figures_status(log, provisional: bool) -> str:
    """The header's word on the figures: final, or provisional and why (the run log's
    gate checks; without a run log, from the report's own data)."""
    if log is not None:
        provisional = log.provisional
    if not provisional:
        return "Final figures"
    because = provisional_because(log) if log is not None else ""
    return f"Provisional figures{f' ({esc(because)})' if because else ''}: they can still change"


def replaced_version(replaces: dict | None) -> str:
    """The header's line on the publication this one replaces: when, with what figures,
    and the run folder where it stays. Empty for a month's first publication."""
    if not replaces:
        return ""
    kind = "provisional" if replaces.get("provisional") else "final"
    when = uk_time(replaces.get("published_at"))
    return (f"the report published {esc(when) + ' ' if when else ''}with {kind} figures, kept in "
            f"<code>{esc(replaces['folder'])}</code> beside the published reports")


# what a reader calls the reference tables whose values the verdicts use
REFERENCE_LABELS = {"service_levels": "service levels (targets and minimums)", "incident_targets": "incident targets",
                    "srv_catalogue": "SRV catalogue (Target Response Times)"}


def unverified_references(con: duckdb.DuckDBPyConnection) -> str:
    """The reference tables (seeds) with rows whose `source` marks them unverified, as
    "service levels (targets and minimums) 4 of 4, ...": every "target met" verdict
    rests on them until the Operations Group confirms them. Empty when none is."""
    tables = [t for (t,) in con.execute(
        "select table_name from information_schema.columns where table_schema = 'reference' "
        "and column_name = 'source' order by table_name").fetchall()]
    counts = []
    for table in tables:
        unverified, rows = con.execute(
            f"select count(*) filter (where source ilike '%unverified%'), count(*) from reference.{table}").fetchone()
        if unverified:
            counts.append((table not in REFERENCE_LABELS, table, f"{REFERENCE_LABELS.get(table, table.replace('_', ' '))} "
                                                                 f"{unverified} of {rows}"))
    return esc("; ".join(text for *_, text in sorted(counts)))


def incomplete_notice(checks) -> str:
    """Notices at the top of the page when part of the month's data is missing: days
    without data (published with `pmr run --allow-missing-days`: the figures are those
    of part of the month), and days whose data stops early or starts late (a warning: a
    file cut short, or the DCC down for those hours). A reader must see either before
    any figure, not only in the appendix. Empty otherwise."""
    def failed_detail(name: str) -> str | None:
        failed = next((c for c in checks or [] if c.name == name and not c.passed), None)
        return None if failed is None else failed.detail.split(" fail: ", 1)[-1]

    parts = []
    days = failed_detail(DAYS_CHECK)
    if days is not None:
        parts.append('<p class="incomplete"><strong>Incomplete month.</strong> Published with days that have no '
                     f"data (<code>--allow-missing-days</code>); the figures cover the other days only: {esc(days)}. "
                     "Availability (Requirement 3) still counts those days: a minute without a recorded outage "
                     "counts as up.</p>")
    cut = failed_detail(DAY_ENDS_CHECK)
    if cut is not None:
        parts.append('<p class="incomplete"><strong>Days whose data stops early or starts late.</strong> On these '
                     "days the first or last hours have almost none of the rows the month's other days have then "
                     f"(times UK local): {esc(cut)}. Either the day's extract was cut short and the figures miss "
                     "those hours (run the month again once the whole file lands), or the DCC handled almost "
                     "nothing then (see the inferred outages, Requirement 3).</p>")
    return "".join(parts)


def undelivered_notice(con: duckdb.DuckDBPyConnection, month: str) -> str:
    """A notice at the top of the page naming each landing source without a row in the
    month, and the figures that read it: they count nothing from it (0 incidents raised
    when the month's incidents extract was not delivered), and a reader must see that
    before any figure, not only in the appendix. Empty when every source has data."""
    missing = source_deliveries(con, month).query("not has_rows_in_month")
    if missing.empty:
        return ""
    items = "".join(
        f"<li><code>{esc(row.label)}/</code>: "
        + (f"{esc(row.metric_ids)} ({esc(row.requirements)})" if pd.notna(row.metric_ids) else "no figure reads it")
        + "</li>"
        for row in missing.itertuples()
    )
    return ('<div class="incomplete"><p><strong>Sources without data for the month.</strong> The landing holds no '
            "row of these sources in the month (for outages: none overlapping it): either there was none, or the "
            "month's extract did not land, and the figures that read them count nothing from them (a count of 0, "
            "a share of nothing). If an extract is missing, run the month again once it lands (<code>pmr run</code>, "
            "or launch its partition): the automation does not rebuild a month published final. Listed for each "
            "source: the figures of the metric models that read it (not every figure of a model need use it).</p>"
            f"<ul>{items}</ul></div>")


def provisional_notice(con: duckdb.DuckDBPyConnection, windows=None) -> str:
    """A notice at the top of the page naming the figures that look for data after the
    month (a final response, a correcting request, a verification alert: `follow_up`
    in their YAML) while the landing does not yet reach that far: they can still change
    when the next extracts land. Empty when every window is covered."""
    windows = follow_up_coverage(con) if windows is None else windows
    open_windows = windows[~windows["covered"]]
    if open_windows.empty:
        return ""
    landed = windows["landed_through_utc"].iloc[0]
    _, month_end = period_bounds_utc(windows["period"].iloc[0])
    # what the landing holds after the month only: the month's own days are the days
    # check's (a month published with days missing says so in its own notice)
    reach = ("no day after the month has landed yet" if landed <= month_end else
             f"the days after the month have landed, each with requests, responses and alerts, up to "
             f"{uk_local(landed, with_year=True)}")

    def why(row) -> str:
        if pd.isna(row.latest_clock_start_utc):
            return f"{duration((row.needed_through_utc - month_end).total_seconds())} after the month"
        return (f"an unanswered Future-Dated request is executed at {uk_local(row.latest_clock_start_utc, True)}, "
                f"and its final response may come up to "
                f"{duration((row.needed_through_utc - row.latest_clock_start_utc).total_seconds())} later")

    items = "".join(
        f"<li>{esc(row.label)}: final once every day to {uk_local(row.needed_through_utc, True)} has landed "
        f"({why(row)})</li>"
        for row in open_windows.itertuples()
    )
    return ('<div class="incomplete"><p><strong>Provisional figures.</strong> These figures look for data after '
            f"the month (final responses, correcting requests, verification alerts, alerts delivered after "
            f"midnight) and {reach}, so they can still change when later extracts land:</p><ul>{items}</ul></div>")


def render_report(con: duckdb.DuckDBPyConnection, month: str, folder: Path, checks, log,
                  previous_metrics: Path | None = None) -> list[str]:
    """Write quality.csv, metrics.csv and pmr.html into `folder`; `previous_metrics` is
    the previous month's published metrics.csv, for the measures' previous levels."""
    written = [write_quality_csv(con, folder), write_metrics_csv(con, folder),
               write_html(con, month, folder, checks, log, previous_metrics)]
    return [p.name for p in written]
