"""At a glance: every measure for All segments, monthly, against its service levels
where the definitions set them (the others say none is set), beside its level in the
previous month's published report."""

from __future__ import annotations

import pandas as pd

from pmr.calendar import parse_month, previous_month
from pmr.definitions import changed_models
from pmr.gate import DAYS_CHECK, DELIVERY_CHECK, FOLLOW_UP_CHECK
from pmr.metric_parameters import duration
from pmr.run_log import failed_caveats
from reports.context import BREAKDOWNS
from reports.format import esc, number, status, table, uk_time
from reports.sections import Section

TRT_MISSED = "ic.pct_trt_missed"
OTHER_DEFINITIONS = "(other definitions)"


def _scope(r, names: dict[str, str]) -> str:
    """What the figure is about, as the report names it elsewhere."""
    if isinstance(r["business_process"], str):
        return names.get(r["business_process"], r["business_process"])
    if isinstance(r["service"], str):
        # the All segment of availability is the national view, the most favourable one
        # (national outages only); the regions' are in the availability section
        return f"{names.get(r['service'], r['service'])}, national view (national outages only)"
    if isinstance(r["category"], str):
        return f"Category {r['category']} incidents" if r["requirement"] == "R5" else r["category"]
    # a figure without a segment (billing, firmware) is of every segment together too;
    # "National" is Requirement 3's view of national outages (the terms), not this
    return "All segments"


def render(ctx, charts) -> str:
    rows = ctx.metrics[
        (ctx.metrics["kind"] == "measure") & ctx.metrics["day"].isna()
    ]
    rows = rows[rows["segment"].isna() | (rows["segment"] == "All")]
    rows = rows[rows["time_band"].isna() & rows["device_type"].isna()]
    names = dict(ctx.query("select business_process, display_name from reference.business_processes").values)
    names |= dict(ctx.query("select distinct service, service_name from reference.service_components").values)
    lines = []
    order = ["requirement", "metric_id", "business_process", "service", "category"]
    redefined = set(_redefined_models(ctx) or [])
    for _, r in rows.sort_values(order, na_position="first").iterrows():
        scope = _scope(r, names)
        previous = ctx.previous_value(r["metric_id"], **{c: r[c] if isinstance(r[c], str) else None
                                                         for c in BREAKDOWNS})
        previous_cell = number(previous, r["unit"]) + (f" {OTHER_DEFINITIONS}"
                                                        if previous is not None and r["model"] in redefined else "")
        lines.append([ctx.title(r["metric_id"]), r["requirement"], scope, previous_cell,
                      number(r["value"], r["unit"]), *_levels_and_status(ctx, r)])
    if not lines:
        return "<p>No measures this month.</p>"
    return (table(["Measure", "Requirement", "Scope", "Previous month", "This month", "Target", "Minimum", "Status"],
                  lines, caption="Measures for all segments (availability: the national view) against their "
                                 "service levels, where set",
                  # a measure's name repeats over its scopes (R1's processes): the three
                  # together name a row, so a screen reader says all three with each figure
                  label_columns=3)
            + _previous_note(ctx) + _alerts_note(ctx, rows))


def _levels_and_status(ctx, r) -> list[str]:
    """Target, minimum and status cells of a measure: its own service levels, or for
    IC1's share missed the ceilings the IC1 table judges it by (it has none of its own)."""
    value, unit = (None if pd.isna(r["value"]) else r["value"]), r["unit"]
    ceilings = ctx.trt_missed_ceilings() if r["metric_id"] == TRT_MISSED else None
    if ceilings:
        target, minimum = ceilings
        cells = [f"at most {number(target, unit)}", f"at most {number(minimum, unit)}",
                 status(value, target, minimum, higher_is_better=False) or "–"]
    elif pd.notna(r["target"]):
        cells = [number(r["target"], unit), number(r["minimum"], unit),
                 status(value, r["target"], r["minimum"]) or "–"]
    else:
        cells = [number(None, unit), number(None, unit), "no level set"]
    if r["metric_id"] in ctx.provisional_ids:
        cells[-1] += " (provisional)"
    return cells


def _previous_note(ctx) -> str:
    """Where the previous month's levels come from: its published report, and what that
    report said of itself (provisional, published with days without data, or with
    sources without data for the month)."""
    first, _ = parse_month(ctx.month)
    month = previous_month(first)
    recomputed = " Requirement 3's tables give availability's previous level recomputed from the landing."
    if ctx.previous_problem:
        return (f'<p class="note">Previous month: the metrics.csv of the report published for {month} beside this '
                f"one could not be read ({esc(ctx.previous_problem)}), so no previous level is shown here."
                f"{recomputed}</p>")
    if ctx.previous is None:
        return (f'<p class="note">Previous month: no report for {month} is published beside this one, so no '
                f"previous level is shown here.{recomputed}</p>")
    failed = failed_caveats(ctx.previous_log)
    caveats = [caveat for name, caveat in ((FOLLOW_UP_CHECK, "its figures were provisional"),
                                           (DAYS_CHECK, "it was published with days without data"),
                                           (DELIVERY_CHECK, "some of its sources had no data for the month"))
               if name in failed]
    listed = " and ".join([", ".join(caveats[:-1]), caveats[-1]]) if len(caveats) > 1 else "".join(caveats)
    said = f" As published, {listed}." if caveats else ""
    timeliness = (ctx.previous_log or {}).get("timeliness")
    published_at = uk_time(timeliness.get("published_at")) if isinstance(timeliness, dict) else None
    when = f" on {published_at}" if published_at else ""
    return (f'<p class="note">Previous month: the figures of the report published for {month}{when} beside this '
            f"one (its metrics.csv); – where it has no such figure. A later publication of {month} does not "
            f"change them until this report is published again.{said}{_definitions_note(ctx)}</p>")


def _redefined_models(ctx) -> list[str] | None:
    """The metric models whose definitions (pmr.definitions) differ between this report and
    the previous month's published one; None when either did not record them."""
    current = getattr(ctx.run, "definitions", None) if ctx.run is not None else None
    return changed_models(current, (ctx.previous_log or {}).get("definitions"))


def _definitions_note(ctx) -> str:
    """Whether the previous month's figures were computed with this report's definitions
    (nothing said when this run recorded none: a run without the collect step)."""
    if not isinstance(getattr(ctx.run, "definitions", None), dict):
        return ""
    redefined = _redefined_models(ctx)
    if redefined is None:
        return (" That report did not record the definitions it was computed with in the form this one does, so "
                "whether they are this report's is not known.")
    if not redefined:
        return " Its figures were computed with the same definitions as this report's."
    catalogue = ctx.catalogue
    requirements = sorted(set(catalogue.loc[catalogue["model"].isin(redefined), "requirement"]))
    return (f" Between the two publications, SQL, reference values or parameters upstream of the figures of "
            f"{', '.join(requirements)} changed (docs/decision-log.md says what and why; a change upstream need not "
            f"move every figure below it): their previous figures are marked {OTHER_DEFINITIONS} and may not "
            "compare with this month's.")


def _alerts_note(ctx, rows) -> str:
    """A1 and the RSVP share of Alerts Management both time alerts against 60 s but
    over different alerts: say so when both are in the table."""
    process = "alerts_management"
    if not ((rows["metric_id"] == "alerts.pct_within_sla").any()
            and ((rows["metric_id"] == "rsvp.pct_within_trt") & (rows["business_process"] == process)).any()):
        return ""
    codes = sorted(ctx.query("select alert_code from reference.business_process_alerts where business_process = ?",
                             [process])["alert_code"])
    name = dict(ctx.query("select business_process, display_name from reference.business_processes").values)
    target = duration(ctx.parameter("alert_trt_s"), "their target time")
    return ('<p class="note">' + esc(
        f"{ctx.title('alerts.pct_within_sla')} (A1) counts every alert that was not suppressed; Within Target "
        f"Response Time for {name.get(process, process)} (R1) counts only the alerts of that process, codes "
        f"{', '.join(codes)}. Both time an alert against {target}, so the two shares differ only by the alerts "
        "they count.") + "</p>")


SECTION = Section("measures", "Measures at a glance", lambda metric_id: False, render)
