"""Requirement 2's Install and Commission part (IC1, IC2) of reports/sections/outcomes.py:
the per-segment table with the share that missed the Target Response Time against its
ceilings, the daily successful installs against their forecast with degraded days and
major incidents marked, the degraded days' table, and the daily successful and failed
installs by segment and device type.

Every number shown is a figure of metrics.csv (ctx.metrics), except the degraded
flag, read from marts.pmr_install_forecast (its one definition), the thresholds read
from reference.parameters, and the within-TRT service levels restated as ceilings on
the share missed.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from reports.charts import (SEGMENT_ORDER, TOOLTIP_NUMBER, by_day_and_segment, figures_table, hconcat, layer,
                            marking_days_without_data, vconcat, with_properties)
from reports.format import esc, number, table
from reports.sections.outcome_tables import device_types, segment_table

INSTALL_TYPES = ("CHF", "ESME", "GSME")
# the SRV whose deliverable requests count as installs of each type (ic.installs)
INSTALL_SRVS = {"CHF": "8.14.1", "ESME": "8.1.1", "GSME": "8.1.1"}


# --- IC1 / IC2 -----------------------------------------------------------------

def _trt_levels_note(ctx) -> str:
    ceilings = ctx.trt_missed_ceilings()
    if ceilings is None:
        return ""
    target, minimum = ceilings
    return (f" The share missed is the complement of the share within the TRT, so the within-TRT service "
            f"levels read as: at most {target:g}% missed (target), at most {minimum:g}% (minimum).")


MISSED_TRT = "Requests of the I&C SRVs that missed the Target Response Time (%, of the deliverable requests)"


def _installs_table(ctx) -> str:
    rows = [(MISSED_TRT, "ic.pct_trt_missed", {"device_type": None})]
    for device_type in device_types(ctx, "ic.pct_trt_missed"):
        rows.append((f"  … to {device_type} (%)", "ic.pct_trt_missed", {"device_type": device_type}))
    populations = {label: (None, ("ic.requests",)) for label, *_ in rows}
    for category, counted in (("success", "Successful installs: 8.14.1 and 8.1.1 requests that succeeded"),
                              ("failed", "Failed installs: deliverable (not rejected) 8.14.1 and 8.1.1 requests "
                                         "that did not succeed")):
        rows.append((f"{counted}, all types", "ic.installs", {"device_type": None, "category": category}))
        for device_type in INSTALL_TYPES:
            rows.append((f"  … {device_type} ({INSTALL_SRVS[device_type]})", "ic.installs",
                         {"device_type": device_type, "category": category}))
    rows += [
        ("Predicted successful installs (sum of the daily forecasts)", "ic.installs_predicted", {}, None),
        ("Deviation of successful installs from the forecast (ratio)", "ic.deviation", {}),
        ("Install and Commission: deliverable (not rejected) 8.14.1 requests, successful or not",
         "ic.install_and_commission", {}),
        ("Install and Leave: deliverable (not rejected) 8.14.2 requests, successful or not",
         "ic.install_and_leave", {}),
    ]
    ceilings = ctx.trt_missed_ceilings()
    return segment_table(ctx, rows, "Install and Commission (IC1, IC2), by segment", levels_stated=True,
                         counts=populations, judged={MISSED_TRT: (*ceilings, False)} if ceilings else None)


def degraded_days(ctx) -> pd.DataFrame:
    return ctx.query(
        """select day, segment, successful_installs, predicted_installs, deviation, major_incidents_open
           from marts.pmr_install_forecast
           where is_degraded and period = ?
           order by day, segment""",
        [ctx.month],
    )


def installs_against_forecast_chart(ctx, charts, degraded: pd.DataFrame) -> str:
    actual = ctx.metric("ic.installs", category="success", device_type=None)
    actual = actual[actual["day"].notna()][["day", "segment", "value"]].assign(series="Successful installs")
    forecast = ctx.metric("ic.installs_predicted")
    forecast = forecast[forecast["day"].notna() & forecast["value"].notna()][["day", "segment", "value"]].assign(
        series="Forecast")
    if actual.empty:
        return ""
    lines = pd.concat([actual, forecast], ignore_index=True)
    lines["day"] = pd.to_datetime(lines["day"])
    open_per_day = ctx.metric("ic.major_incidents_open")
    open_per_day = open_per_day[open_per_day["day"].notna()][["day", "value"]]
    incidents = open_per_day[open_per_day["value"] > 0].copy()
    incidents["day"] = pd.to_datetime(incidents["day"])
    incidents["start"] = incidents["day"] - pd.Timedelta(hours=12)  # centred on the day's point
    incidents["end"] = incidents["day"] + pd.Timedelta(hours=12)
    incidents = incidents.rename(columns={"value": "incidents_open"})[["day", "start", "end", "incidents_open"]]
    marks = degraded[["day", "segment", "successful_installs", "deviation"]].copy()
    marks["day"] = pd.to_datetime(marks["day"])
    panels = []
    for segment in [s for s in SEGMENT_ORDER if s in set(lines["segment"])]:
        layers = []
        if not incidents.empty:
            layers.append(
                alt.Chart(incidents).mark_rect(color="#b00020", opacity=0.12).encode(
                    x=alt.X("start:T"), x2=alt.X2("end:T"),
                    tooltip=[alt.Tooltip("day:T", title="Day", format="%a %d %b"),
                             alt.Tooltip("incidents_open:Q", title="Category 1-2 incidents open")],
                )
            )
        layers.append(
            alt.Chart(lines[lines["segment"] == segment]).mark_line(point=True).encode(
                x=alt.X("day:T", title="UK day", axis=alt.Axis(format="%d %b")),
                y=alt.Y("value:Q", title="Installs"),
                color=alt.Color("series:N", title=None,
                                scale=alt.Scale(domain=["Successful installs", "Forecast"],
                                                range=["#1d3557", "#8d99ae"])),
                strokeDash=alt.StrokeDash("series:N", title=None,
                                          scale=alt.Scale(domain=["Successful installs", "Forecast"],
                                                          range=[[1, 0], [5, 3]])),
                tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y"), alt.Tooltip("series:N"),
                         alt.Tooltip("value:Q", format=TOOLTIP_NUMBER)],
            )
        )
        seg_marks = marks[marks["segment"] == segment]
        if not seg_marks.empty:
            layers.append(
                alt.Chart(seg_marks).mark_point(shape="triangle-down", size=140, filled=True, color="#b00020").encode(
                    x=alt.X("day:T"), y=alt.Y("successful_installs:Q"),
                    tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y", title="Degraded day"),
                             alt.Tooltip("deviation:Q", format="+.3f")],
                )
            )
        panels.append(with_properties(marking_days_without_data(layer(*layers), ctx.days_without_data),
                                      width=640, height=120, title=segment))
    chart = vconcat(*panels, title="Successful installs per UK day against the forecast, by segment",
                    resolve={"scale": {"y": "independent"}})
    return charts.embed(chart, "Daily successful installs against the forecast per segment, with degraded days "
                               "and days with Category 1-2 incidents open marked",
                        installs_figures(actual, forecast, _daily_deviation(ctx), marks, open_per_day))


def _daily_deviation(ctx) -> pd.DataFrame:
    deviation = ctx.metric("ic.deviation")
    return deviation[deviation["day"].notna()][["day", "segment", "value"]]


def installs_figures(actual, forecast, deviation, marks, open_per_day) -> str:
    """The installs chart's figures, a row per UK day and segment: `actual`, `forecast`
    and `deviation` (ic.deviation, IC2's deviation from the norm, on every day with a
    forecast; day, segment, value), whether the day is marked degraded (`marks`: day,
    segment) and the Category 1-2 incidents open per day (`open_per_day`: day, value),
    national, the same in each segment's row of a day; a day without that figure shows
    none, not 0."""
    rows = by_day_and_segment(pd.concat([actual.assign(figure="installs"), forecast.assign(figure="forecast"),
                                         deviation.assign(figure="deviation")],
                                        ignore_index=True)[["day", "segment", "figure", "value"]],
                              {"installs": "Successful installs", "forecast": "Forecast",
                               "deviation": "Deviation from the forecast (ratio)"})
    degraded = {(pd.Timestamp(day), segment) for day, segment in zip(marks["day"], marks["segment"])}
    rows["Degraded day"] = ["yes" if (pd.Timestamp(day), segment) in degraded else ""
                            for day, segment in zip(rows["UK day"], rows["Segment"])]
    open_by_day = open_per_day.set_index(pd.to_datetime(open_per_day["day"]))["value"]
    rows["Category 1-2 incidents open"] = rows["UK day"].map(open_by_day)
    return figures_table(rows, {"Successful installs": "count", "Forecast": None,
                                "Deviation from the forecast (ratio)": "ratio", "Category 1-2 incidents open": "count"},
                         "Successful installs per UK day against the forecast, by segment")


def installs_by_type_chart(ctx, charts) -> str:
    """IC1's daily successful and failed installs, one small panel per segment (rows) and
    device type (columns). The grid is laid out here, panel by panel: Vega-Lite's facet
    shifted every panel after a segment without a type's installs (SMETS1 has no CHF)."""
    daily = ctx.metrics[(ctx.metrics["metric_id"] == "ic.installs") & ctx.metrics["day"].notna()
                        & ctx.metrics["device_type"].isin(INSTALL_TYPES) & (ctx.metrics["segment"] != "All")]
    if daily.empty:
        return ""
    data = daily[["day", "segment", "device_type", "category", "value"]].copy()
    data["day"] = pd.to_datetime(data["day"])
    data["outcome"] = data["category"].map({"success": "Successful", "failed": "Failed"})
    data = data.drop(columns="category")
    rows = []
    for segment in [s for s in SEGMENT_ORDER if s in set(data["segment"])]:
        panels = []
        for device_type in INSTALL_TYPES:
            cell = data[(data["segment"] == segment) & (data["device_type"] == device_type)]
            title = f"{segment}, {device_type}" + ("" if not cell.empty else ": none")
            panel = alt.Chart(cell).mark_line(point=alt.OverlayMarkDef(size=12)).encode(
                x=alt.X("day:T", title="UK day", axis=alt.Axis(format="%d %b")),
                y=alt.Y("value:Q", title="Installs"),
                color=alt.Color("outcome:N", title=None,
                                scale=alt.Scale(domain=["Successful", "Failed"], range=["#1d3557", "#e63946"])),
                tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y"), alt.Tooltip("segment:N"),
                         alt.Tooltip("device_type:N"), alt.Tooltip("outcome:N"),
                         alt.Tooltip("value:Q", format=",.0f")],
            )
            panels.append(with_properties(marking_days_without_data(panel, ctx.days_without_data),
                                          width=190, height=70, title=title))
        rows.append(hconcat(*panels))
    chart = vconcat(*rows, title="Successful and failed installs per UK day, by segment and device type")
    return charts.embed(chart, "Daily successful and failed installs per segment and device type (CHF, ESME, GSME)",
                        installs_by_type_figures(data))


def installs_by_type_figures(data: pd.DataFrame) -> str:
    """The figures of installs_by_type_chart (`data`: day, segment, device_type,
    outcome, value), a row per UK day and segment, a column per type and outcome."""
    figures = {f"{device_type} {outcome.lower()}": f"{device_type}: {outcome.lower()}"
               for device_type in INSTALL_TYPES for outcome in ("Successful", "Failed")}
    rows = by_day_and_segment(data.assign(figure=data["device_type"] + " " + data["outcome"].str.lower())[
        ["day", "segment", "figure", "value"]], figures)
    return figures_table(rows, dict.fromkeys(figures.values(), "count"),
                         "Successful and failed installs per UK day, by segment and device type")


def render_installs(ctx, charts) -> str:
    ratio = ctx.parameter("ic_deviation_alert_ratio")
    floor = ctx.parameter("ic_deviation_min_predicted")
    degraded = degraded_days(ctx)
    parts = ["<h3>Install and Commission (IC1, IC2)</h3>",
             "<p>Installs are deliverable 8.14.1 requests (CHF) and 8.1.1 requests to an ESME or GSME; the "
             "forecast of a day is the mean of the successful installs on the same weekday of the four previous "
             "weeks (informational only, per the modification). The share that missed the Target Response Time "
             "is the measure; lower is better." + _trt_levels_note(ctx) + "</p>",
             _installs_table(ctx)]
    forecast = ctx.metric("ic.installs_predicted")
    daily = forecast[forecast["day"].notna()]
    if daily["value"].isna().all():
        parts.append("<p><strong>No install forecast this month:</strong> the warehouse does not hold the four "
                     "weeks before the month (see the data-quality appendix).</p>")
    elif daily["value"].isna().any():
        without = sorted(set(daily.loc[daily["value"].isna(), "day"]))
        parts.append(f"<p><strong>No install forecast on {len(without)} day(s)</strong> "
                     f"({esc(', '.join(pd.Timestamp(d).strftime('%d %b') for d in without))}): a day of the four "
                     "weeks before each has no data in the warehouse, so its forecast and deviation are empty "
                     "(see the data-quality appendix).</p>")
    parts.append(installs_against_forecast_chart(ctx, charts, degraded))
    rule = (f"ic.deviation at or below {ratio:+g} with a forecast of at least {floor:,.0f} installs, "
            "not a bank holiday" if ratio is not None and floor is not None else "ic.deviation below the threshold")
    parts.append(f"<p>Red triangles: degraded days ({esc(rule)}; thresholds from the parameters reference "
                 "table). Shaded days: Category 1–2 incidents open (ic.major_incidents_open). The volume of "
                 "messages, which the modification takes as a proxy of the impact on Users, is Install and "
                 "Commission's daily request volume under Requirement 1 (the volume panel of "
                 '<a href="#rsvp-install_commission">its chart</a>, rsvp.volume).</p>')
    if degraded.empty:
        judged, days = ctx.query("select count(*) filter (where is_judged), count(*) from marts.pmr_install_forecast "
                                 "where period = ? and day is not null", [ctx.month]).iloc[0]
        lead = ("Degraded days could not be assessed this month" if not judged
                else "No segment-day was flagged as degraded")
        parts.append(f"<p>{lead}: {int(judged):,} of the month's {int(days):,} "
                     "segment-days could be flagged (a day with data, not a bank holiday, with a forecast at or above "
                     "the floor); on the others a shortfall of that size is within day-to-day variation.</p>")
    else:
        parts.append(table(
            ["Day", "Segment", "Successful installs", "Forecast", "Deviation", "Category 1-2 incidents open"],
            [[pd.Timestamp(r["day"]).strftime("%a %d %b"), r["segment"], number(r["successful_installs"], "count"),
              number(r["predicted_installs"], None), number(r["deviation"], "ratio"),
              number(r["major_incidents_open"], "count")] for _, r in degraded.iterrows()],
            caption="Degraded install days (IC2)",
        ))
    parts.append(installs_by_type_chart(ctx, charts))
    return "".join(parts)
