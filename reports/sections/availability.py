"""Requirement 3: end-to-end service availability and reliability, per Service in
the layout of the seed's Table 3 (previous / current / target / minimum service
level, a monthly view as a line graph across the days, the time-of-day breakdown,
the CSP regions) with the reliability figures beside it; incidents raised by
category; and the inferred outages (the "lack of activity" method) beside the
recorded outages.

Every number shown is a figure of metrics.csv (ctx.metrics), except the previous
period's service level, read from marts.pmr_availability_monthly (which keeps the
month before for that column), and the inferred spells and recorded outages,
listed from marts.pmr_inferred_outages, marts.pmr_inferred_outage_overlaps and staging.stg_outages.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd

from expectations.frames import days_without_data
from pmr.calendar import parse_month
from pmr.metric_parameters import duration
from reports.charts import SEGMENT_ORDER, daily_lines, figures_table, layer, segment_channels
from reports.format import esc, links_within, number, table, uk_local
from reports.sections import Section, ids

UK = ZoneInfo("Europe/London")
REGIONS = ["North", "Central", "South"]
VIEWS = ["All", *REGIONS]
VIEW_NAMES = {"All": "National", "North": "North", "Central": "Central", "South": "South"}
ROW = 'style="display:flex;gap:0 1.5rem;align-items:flex-start"'


# --- helpers -------------------------------------------------------------------

def _services(ctx) -> pd.DataFrame:
    """The DCC Services in the order of the seed (Requirement 3's list)."""
    return ctx.query(
        """select service, service_name from reference.service_components
           group by service, service_name order by min(rowid)"""
    )


def _levels(ctx) -> tuple[float | None, float | None]:
    rows = ctx.metric("availability.pct")
    rows = rows[rows["target"].notna()]
    if rows.empty:
        return None, None
    return float(rows["target"].iloc[0]), float(rows["minimum"].iloc[0])


def _kind_letter(ctx, metric_id: str) -> str:
    found = ctx.catalogue[ctx.catalogue["metric_id"] == metric_id]
    return "" if found.empty else ("M" if found["kind"].iloc[0] == "measure" else "I")


def previous_month_coverage(ctx) -> pd.DataFrame:
    """expectations.frames.days_without_data of the month before the period: read once
    per page, by _previous and _previous_coverage_note."""
    return days_without_data(ctx.con, _previous_day(ctx).strftime("%Y-%m"))


def _previous(ctx, coverage: pd.DataFrame) -> tuple[str, dict[str, float]]:
    """(label of the previous period, service -> its national availability); no
    availability when the landing holds no data at all for that month (every minute
    would read as up)."""
    label = _previous_day(ctx).strftime("%B %Y")
    if _has_no_data(ctx, coverage):
        return label, {}
    rows = ctx.query(
        """select service, availability_pct from marts.pmr_availability_monthly
           where not is_current_period and segment = 'All'"""
    )
    return label, {r["service"]: float(r["availability_pct"]) for _, r in rows.iterrows()
                   if pd.notna(r["availability_pct"])}


def _previous_day(ctx) -> dt.date:
    """The last day of the month before the period."""
    first, _ = parse_month(ctx.month)
    return first - dt.timedelta(days=1)


def _has_no_data(ctx, coverage: pd.DataFrame) -> bool:
    return bool((coverage["days_missing"] == _previous_day(ctx).day).all())


def _previous_coverage_note(ctx, coverage: pd.DataFrame) -> str:
    """The previous service level is recomputed from the landing as it stands; where
    the landing holds no request, response or alert on some days of that month (it
    starts in it, or an extract is missing), those days count as free of outages
    only because nothing was delivered for them: say which days."""
    if _has_no_data(ctx, coverage):
        return (f" The landing holds no data for {_previous_day(ctx):%B %Y}, so no previous service level is "
                "shown.")
    missing = coverage[coverage["days_missing"] > 0]
    if missing.empty:
        return ""
    days = "; ".join(f"{row.label}: {row.missing_days}" for row in missing.itertuples())
    return (f" The landing holds no service request, response or alert for some days of "
            f"{_previous_day(ctx):%B %Y} ({esc(days)}), so it probably does not reach those days: an outage "
            "recorded on them would be missing from the outages landed, and the previous service level counts "
            "those days as up.")


def _period_bounds_utc(month: str) -> tuple[dt.datetime, dt.datetime]:
    first, last = parse_month(month)
    following = last + dt.timedelta(days=1)

    def utc(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=UK).astimezone(dt.timezone.utc).replace(tzinfo=None)

    return utc(first), utc(following)


# --- per Service -----------------------------------------------------------------

def _service_level_table(ctx, service: str, name: str, previous: tuple[str, dict]) -> str:
    label, values = previous
    target, minimum = _levels(ctx)
    return table(
        ["Monthly performance measure", f"Previous service level ({label}, recomputed)", "Service level",
         "Target service level", "Minimum service level", "M/I"],
        [[f"Service availability – {name}", number(values.get(service), "pct"),
          number(ctx.value("availability.pct", service=service, segment="All"), "pct"),
          number(target, "pct"), number(minimum, "pct"), _kind_letter(ctx, "availability.pct")]],
        caption=f"Service availability {name} – service level (national view)",
    )


def _daily_chart(ctx, charts, service: str, name: str) -> str:
    daily = ctx.metric("availability.pct", service=service, time_band=None)
    daily = daily[daily["day"].notna()][["day", "segment", "value"]]
    if daily.empty:
        return ""
    national = daily[daily["segment"] == "All"].set_index("day")["value"]
    shown = ["All"]
    for region in REGIONS:
        own = daily[daily["segment"] == region].set_index("day")["value"]
        if not own.empty and not own.reindex(national.index).equals(national):
            shown.append(region)
    data = daily[daily["segment"].isin(shown)]
    low = float(data["value"].min())
    scale = alt.Scale(domain=[max(0.0, math.floor(low - 0.5)), 100.0], clamp=True)
    lines = daily_lines(data, "Availability (%)", height=130).encode(
        y=alt.Y("value:Q", title="Availability (%)", scale=scale),
        **segment_channels(shown, title="View",
                           legend=alt.Legend(labelExpr="datum.label == 'All' ? 'National' : datum.label")),
    )
    # the national line last and wider, so a region's line drawn over the whole month
    # does not hide the national dips where the two views are equal
    layers = [lines.transform_filter("datum.segment != 'All'"),
              lines.transform_filter("datum.segment == 'All'").mark_line(point=True, strokeWidth=3)]
    # no service levels drawn: they judge the month, and a day's availability is an indicator (decision log)
    regions = [s for s in shown if s != "All"]
    subtitle = "National: the wide line. " + (
        f"{', '.join(regions)}: drawn where the region's view differs from the national one."
        if regions else "Every CSP region's view equals the national one.")
    # no band for days without requests, responses or alerts: availability reads outages only
    chart = layer(*layers,
        title=alt.TitleParams(f"{name}: availability per UK day", subtitle=subtitle, anchor="start"))
    views = daily.pivot(index="day", columns="segment", values="value")
    views = views[[view for view in VIEWS if view in views.columns]].reset_index()
    views = views.rename(columns={"day": "UK day", "All": "National"})
    figures = figures_table(views, {view: "pct" for view in views.columns if view != "UK day"},
                            f"{name}: availability per UK day (%), national view and CSP regions")
    return charts.embed(chart, f"{name}: availability per UK day of the month, national view and CSP regions",
                        figures)


def _time_of_day_table(ctx, service: str, name: str) -> str:
    return table(
        ["Monthly performance measure", "Hours of operational activity", "Hours of operational inactivity", "M/I"],
        [["Service availability",
          number(ctx.value("availability.pct", service=service, segment="All", time_band="active"), "pct"),
          number(ctx.value("availability.pct", service=service, segment="All", time_band="inactive"), "pct"),
          "I"]],
        caption=f"Service availability {name} – time of day breakdown (national view; activity: Mon–Fri "
                "08:00–20:00 and Sat 08:00–12:00 UK time)",
    )


def _region_table(ctx, service: str) -> str:
    return table(
        ["Monthly performance measure", *REGIONS, "M/I"],
        [["Service availability"]
         + [number(ctx.value("availability.pct", service=service, segment=r), "pct") for r in REGIONS] + ["I"]],
        caption="Service availability by CSP region",
    )


# Planned maintenance over the monthly cap is unplanned downtime (SEC H8.4): said in the
# labels, as a month with no unplanned outage recorded can show hours and outages here.
RELIABILITY_ROWS = [
    ("Unplanned downtime, planned over the cap included (h)", "availability.unplanned_downtime_h", "h"),
    ("  … of which Planned Maintenance beyond the cap (h)", "availability.planned_over_cap_h", "h"),
    ("Outages: spells of that unplanned downtime", "reliability.outages", "count"),
    ("MTTR (h)", "reliability.mttr_h", "h"),
    ("MTBF (h)", "reliability.mtbf_h", "h"),
    ("Planned maintenance within the cap, excluded (h)", "availability.excluded_planned_h", "h"),
]


def _reliability_table(ctx, service: str) -> str:
    return table(
        ["Reliability", *[VIEW_NAMES[v] for v in VIEWS], "M/I"],
        [[label] + [number(ctx.value(metric_id, service=service, segment=v), unit) for v in VIEWS] + ["I"]
         for label, metric_id, unit in RELIABILITY_ROWS],
        caption="Reliability (MTTR, MTBF: mean time to repair, between failures)",
    )


# --- across Services --------------------------------------------------------------

def _incidents_table(ctx) -> str:
    rows = ctx.metric("reliability.incidents", day=None)
    if rows.empty:
        return ""
    categories = sorted(rows["category"].dropna().unique(), key=lambda c: (len(str(c)), str(c)))

    def row(label: str, metric_id: str) -> list[str]:
        return ([label] + [number(ctx.value(metric_id, category=c), "count") for c in categories]
                + [number(ctx.value(metric_id, category=None), "count"), _kind_letter(ctx, metric_id)])

    # the seed's total counts every incident; metrics.md counts categories 3-5 only where the DCC is the
    # Responsible Party (as CPM5 does): two rows, each its own metric id, rather than one row of two populations
    return table(
        ["Incidents raised in the period", *[f"Category {c}" for c in categories], "Categories 1–5", "M/I"],
        [row("Every Responsible Party", "reliability.incidents_all"),
         row("Categories 3–5 with the DCC as Responsible Party (as CPM5)", "reliability.incidents")],
        caption="Incidents raised by category: every incident, then with categories 3–5 counted only where the "
                "DCC is the Responsible Party (the difference: a CSP's or a User's incidents)",
    )


def _inferred(ctx) -> str:
    counts = ctx.metric("availability.inferred_outages", day=None)
    if counts.empty:
        return ""
    segments = [s for s in SEGMENT_ORDER if s in set(counts["segment"])]
    parts = [
        "<h3>Inferred outages: lack of activity</h3>",
        "<p>Spells in which a segment's Service Request volume fell far below its expected level for that time "
        "of day and type of day (the \"lack of activity\" method of the preliminary assessment), listed beside "
        "the recorded outages. <em>All</em> counts spells found in the total traffic, not the sum of the "
        "segments. A spell with no recorded outage may be an unrecorded loss of service, or a quiet spell; a "
        "recorded outage with no spell may not have stopped traffic.</p>",
        table(["Inferred outages", *segments, "M/I"],
              [["Spells starting in the period"]
               + [number(ctx.value("availability.inferred_outages", segment=s), "count") for s in segments]
               + [_kind_letter(ctx, "availability.inferred_outages")]],
              caption="Inferred outages per segment"),
    ]
    spells = ctx.query(
        """select segment, spell_start_utc, spell_end_utc, duration_min, observed_requests, expected_requests,
                  has_recorded_outage, recorded_outage_ids
           from marts.pmr_inferred_outages where period = ?
           order by spell_start_utc, segment""",
        [ctx.month],
    )
    spells = (spells.assign(rank=spells["segment"].map({s: i for i, s in enumerate(SEGMENT_ORDER)}))
              .sort_values(["spell_start_utc", "rank"], kind="stable"))
    if spells.empty:
        parts.append("<p>No inferred outage this month.</p>")
    else:
        parts.append(table(
            ["Start (UK time)", "End (UK time)", "Segment", "Minutes", "Requests observed", "Requests expected",
             "Recorded outage overlapping"],
            [[uk_local(r["spell_start_utc"]), uk_local(r["spell_end_utc"]), r["segment"], number(r["duration_min"], "count"),
              number(r["observed_requests"], "count"), number(r["expected_requests"], None),
              f"yes: {r['recorded_outage_ids']}" if r["has_recorded_outage"] else "no"]
             for _, r in spells.iterrows()],
            caption="Inferred spells (recorded outages counted when national or of the segment's region)",
        ))
    parts.append(_recorded_outages(ctx))
    return "".join(parts)


def _recorded_outages(ctx) -> str:
    start, end = _period_bounds_utc(ctx.month)
    outages = ctx.query(
        """select outage_id, component, planned, csp_region, started_at, ended_at
           from staging.stg_outages
           where started_at < ? and coalesce(ended_at, ?) > ?
           order by started_at, outage_id""",
        [end, end, start],
    )
    if outages.empty:
        return "<p>No outage was recorded in this period.</p>"
    pairs = ctx.query("select outage_id, segment from marts.pmr_inferred_outage_overlaps where period = ?",
                      [ctx.month])
    overlapping = pairs.groupby("outage_id")["segment"].agg(set).to_dict()
    rows = []
    for _, o in outages.iterrows():
        found = [s for s in SEGMENT_ORDER if s in overlapping.get(o["outage_id"], set())]
        rows.append([
            o["outage_id"], o["component"], "planned" if o["planned"] else "unplanned",
            o["csp_region"] if isinstance(o["csp_region"], str) else "national",
            uk_local(o["started_at"]), uk_local(o["ended_at"]) if pd.notna(o["ended_at"]) else "open",
            ", ".join(found) if found else "none",
        ])
    return table(
        ["Recorded outage", "Component", "Type", "Scope", "Start (UK time)", "End (UK time)",
         "Inferred spells overlapping (segments)"],
        rows, caption="Recorded outages of the period, beside the inferred spells",
    )


# --- the section ---------------------------------------------------------------

PARTIAL_AVAILABILITY_NOTE = (
    "<p class=\"note\">Not reported: the business processes impacted by partial availability, which Requirement 3 "
    "asks for as an indicator per process. The metric definitions v1 do not define it and the extracts tie an outage "
    "to a component and a region, not to the Service Requests of a process (decision log); the inferred outages "
    "below are the view of partial loss of service the extracts support.</p>")


def render(ctx, charts) -> str:
    if ctx.metric("availability.pct").empty:
        return "<p>No availability figures this month.</p>"
    coverage = previous_month_coverage(ctx)
    previous = _previous(ctx, coverage)
    target, minimum = _levels(ctx)
    levels = f" (target {number(target, 'pct')}, minimum {number(minimum, 'pct')})" if target is not None else ""
    cap = ctx.parameter("planned_maintenance_cap_min")
    cap_text = duration(cap * 60 if cap is not None else None, unknown="the cap")
    parts = [
        "<p>End-to-end availability of each DCC Service: a Service is available only while all of its "
        "components are. Availability = (Uptime − unplanned downtime) / Uptime × 100, where Uptime is the time "
        f"in the month less Planned Maintenance up to {esc(cap_text)} a month (SEC H8.4; planned time beyond "
        "that counts as unplanned downtime). The national view counts national outages; a CSP region's view adds "
        f"the outages of that region. The national monthly figure is the measure{esc(levels)}; the breakdowns "
        "are indicators. The previous service level is recomputed with the same rules from the outages the "
        "current extracts hold for that month, so it is not a figure of this report's metrics.csv (that month's "
        f"report has its own).{_previous_coverage_note(ctx, coverage)}</p>",
        PARTIAL_AVAILABILITY_NOTE,
    ]
    shown = [s for _, s in _services(ctx).iterrows() if not ctx.metric("availability.pct", service=s["service"]).empty]
    parts.append(links_within([(f"availability-{s['service']}", s["service_name"]) for s in shown]))
    for service in shown:
        key, name = service["service"], service["service_name"]
        parts.append(f'<div class="service" id="availability-{esc(key)}"><h3>{esc(name)}</h3>')
        parts.append(_service_level_table(ctx, key, name, previous))
        parts.append(_daily_chart(ctx, charts, key, name))
        parts.append(_time_of_day_table(ctx, key, name))
        parts.append(f"<div {ROW}>{_region_table(ctx, key)}{_reliability_table(ctx, key)}</div>")
        parts.append("</div>")
    incidents = _incidents_table(ctx)
    if incidents:
        parts.append(f'<div id="availability-incidents"><h3>Incidents raised (reliability)</h3>{incidents}</div>')
    inferred = _inferred(ctx)
    if inferred:
        parts.append(f'<div id="availability-inferred">{inferred}</div>')
    return "".join(parts)


SECTION = Section(
    "availability", "Requirement 3: service availability and reliability",
    ids("availability.pct", "availability.unplanned_downtime_h", "availability.excluded_planned_h",
        "availability.planned_over_cap_h",
        "availability.inferred_outages", "reliability.outages", "reliability.mttr_h", "reliability.mtbf_h",
        "reliability.incidents", "reliability.incidents_all"),
    render,
)
