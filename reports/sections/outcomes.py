"""Requirement 2: the outcome measures (IC1, IC2, CoS1, B1, B2, PP1, DF1-DF3, CH1,
CH2). Per-segment tables in the layout of the seed (segments as columns) with each
row marked measure or indicator and its service levels where it has them; the daily
installs against their forecast with degraded days and major incidents marked; the
top-up attempts table; failure reasons when top-up failures exceed the threshold;
the firmware journey as a bar chart.

Every number shown is a figure of metrics.csv (ctx.metrics), except the degraded
flag, read from marts.pmr_install_forecast (its one definition), thresholds read
from reference.parameters, the within-TRT service levels restated as ceilings on
the share missed, and the top-up failure share (pp.failures over pp.successes +
pp.failures, All) that decides whether the failure reasons are shown.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pmr.metric_declarations import duration
from reports.charts import SEGMENT_ORDER, marking_days_without_data
from reports.format import esc, number, table
from reports.sections import Section, ids
from reports.sections.outcome_tables import device_types, segment_table, single_table

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


def _degraded_days(ctx) -> pd.DataFrame:
    return ctx.query(
        """select day, segment, successful_installs, predicted_installs, deviation, major_incidents_open
           from marts.pmr_install_forecast
           where is_degraded and period = ?
           order by day, segment""",
        [ctx.month],
    )


def _installs_chart(ctx, charts, degraded: pd.DataFrame) -> str:
    actual = ctx.metric("ic.installs", category="success", device_type=None)
    actual = actual[actual["day"].notna()][["day", "segment", "value"]].assign(series="Successful installs")
    forecast = ctx.metric("ic.installs_predicted")
    forecast = forecast[forecast["day"].notna() & forecast["value"].notna()][["day", "segment", "value"]].assign(
        series="Forecast")
    if actual.empty:
        return ""
    lines = pd.concat([actual, forecast], ignore_index=True)
    lines["day"] = pd.to_datetime(lines["day"])
    incidents = ctx.metric("ic.major_incidents_open")
    incidents = incidents[incidents["day"].notna() & (incidents["value"] > 0)][["day", "value"]].copy()
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
                    x="start:T", x2="end:T",
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
                tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y"), "series:N",
                         alt.Tooltip("value:Q", format=",.2f")],
            )
        )
        seg_marks = marks[marks["segment"] == segment]
        if not seg_marks.empty:
            layers.append(
                alt.Chart(seg_marks).mark_point(shape="triangle-down", size=140, filled=True, color="#b00020").encode(
                    x="day:T", y="successful_installs:Q",
                    tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y", title="Degraded day"),
                             alt.Tooltip("deviation:Q", format="+.3f")],
                )
            )
        panels.append(marking_days_without_data(alt.layer(*layers), ctx.days_without_data)
                      .properties(width=640, height=120, title=segment))
    chart = alt.vconcat(*panels).properties(
        title="Successful installs per UK day against the forecast, by segment"
    ).resolve_scale(y="independent")
    return charts.embed(chart, "Daily successful installs against the forecast per segment, with degraded days "
                               "and days with Category 1-2 incidents open marked")


def _installs_by_type_chart(ctx, charts) -> str:
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
                tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y"), "segment:N", "device_type:N", "outcome:N",
                         alt.Tooltip("value:Q", format=",.0f")],
            )
            panels.append(marking_days_without_data(panel, ctx.days_without_data)
                          .properties(width=190, height=70, title=title))
        rows.append(alt.hconcat(*panels))
    chart = alt.vconcat(*rows).properties(
        title="Successful and failed installs per UK day, by segment and device type")
    return charts.embed(chart, "Daily successful and failed installs per segment and device type (CHF, ESME, GSME)")


def _installs(ctx, charts) -> str:
    ratio = ctx.parameter("ic_deviation_alert_ratio")
    floor = ctx.parameter("ic_deviation_min_predicted")
    degraded = _degraded_days(ctx)
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
    parts.append(_installs_chart(ctx, charts, degraded))
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
        parts.append(f"<p>No segment-day was flagged as degraded: {int(judged):,} of the month's {int(days):,} "
                     "segment-days could be (a day with data, not a bank holiday, with a forecast at or above the "
                     "floor); on the others a shortfall of that size is within day-to-day variation.</p>")
    else:
        parts.append(table(
            ["Day", "Segment", "Successful installs", "Forecast", "Deviation", "Category 1-2 incidents open"],
            [[pd.Timestamp(r["day"]).strftime("%a %d %b"), r["segment"], number(r["successful_installs"], "count"),
              number(r["predicted_installs"], None), number(r["deviation"], "ratio"),
              number(r["major_incidents_open"], "count")] for _, r in degraded.iterrows()],
            caption="Degraded install days (IC2)",
        ))
    parts.append(_installs_by_type_chart(ctx, charts))
    return "".join(parts)


# --- CoS1 --------------------------------------------------------------------------

def _reasons_table(ctx, rows: pd.DataFrame, counted: str, caption: str) -> str:
    """Failures by final response code (category; `none`: no final response), each with
    its meaning from the response code reference, most frequent first."""
    meanings = dict(ctx.query("select response_code, meaning from reference.response_codes").values)
    meanings["none"] = "no final response"
    return table(["Final response code", "Meaning", counted],
                 [[r["category"], meanings.get(r["category"], "– (not in the response code reference)"),
                   number(r["value"], "count")] for _, r in rows.iterrows()],
                 caption=caption)


def _change_of_supplier(ctx) -> str:
    if ctx.metric("cos.pct_success").empty:
        return "<h3>Change of Supplier (CoS1)</h3><p>No 6.23 requests this month.</p>"
    window = duration(ctx.parameter("cos_correction_window_s"))
    rows = [(f"6.23 successful, or corrected within {window} (%, of the deliverable 6.23 requests)",
             "cos.pct_success", {"device_type": None})]
    for device_type in device_types(ctx, "cos.pct_success"):
        rows.append((f"  … {device_type} (%)", "cos.pct_success", {"device_type": device_type}))
    populations = {label: (None, ("cos.requests",)) for label, *_ in rows}
    parts = ["<h3>Change of Supplier (CoS1)</h3>",
             "<p>A 6.23 request that did not succeed still counts when the same User's successful request to "
             f"the same device follows within {esc(window)} of its receipt.</p>",
             segment_table(ctx, rows, "Change of Supplier success, by segment and device type", counts=populations)]
    failures = ctx.metric("cos.failures").sort_values(["value", "category"], ascending=[False, True])
    if not failures.empty:
        parts.append(_reasons_table(ctx, failures, "6.23 requests not counted as success (indicator)",
                                    "Change of Supplier failures by reason, all segments"))
        if (failures["category"] == "I0").any():
            parts.append("<p class=\"note\">I0 is a successful final response: those requests failed because a "
                         "DCC failure alert (N12 or N13) named them.</p>")
    return "".join(parts)


# --- B1 / B2 -------------------------------------------------------------------------

def _billing(ctx) -> str:
    window = duration(ctx.parameter("billing_read_window_s"))
    return "<h3>Billing (B1, B2)</h3>" + single_table(ctx, [
        ("Create Schedule (5.1) successful (B1, %)", "billing.pct_schedule_success", "billing.schedules"),
        (f"Scheduled reads (4.6.1) answered within {window} of execution (B1, %)", "billing.pct_read_within_24h",
         "billing.scheduled_reads"),
        ("On-Demand reads (4.6.1) successful (B2, %)", "billing.pct_on_demand_read_success",
         "billing.on_demand_reads"),
    ], "Billing measures (Of: the deliverable requests each share is of)")


# --- PP1 -------------------------------------------------------------------------------

def _prepayment(ctx) -> str:
    share_label = "Top-ups (2.2) successful (%, successful of deliverable top-ups)"
    rows = [(share_label, "pp.pct_success", {"device_type": None})]
    for device_type in device_types(ctx, "pp.pct_success"):
        rows.append((f"  … {device_type} (%)", "pp.pct_success", {"device_type": device_type}))
    rows += [
        ("Successful top-ups", "pp.successes", {}),
        ("Failed top-ups", "pp.failures", {}),
        ("Non-communicating devices in the read process (%)", "pp.pct_non_communicating", {}),
    ]
    counts = {share_label: ("pp.successes", ("pp.successes", "pp.failures"))}
    parts = ["<h3>Prepayment (PP1)</h3>", segment_table(ctx, rows, "Prepayment top-ups, by segment", counts=counts)]
    attempts = ctx.metric("pp.attempts")
    if not attempts.empty:
        order = {"1": 1, "2": 2, "3+": 3, "never": 4}
        attempts = attempts.assign(order=attempts["category"].map(order)).sort_values("order")
        labels = {"1": "First attempt", "2": "Second attempt", "3+": "Third attempt or later", "never": "Never"}
        parts.append(table(
            ["Top-up succeeded at", "Share of attempt chains (indicator)"],
            [[labels.get(r["category"], r["category"]), number(r["value"], "pct")] for _, r in attempts.iterrows()],
            caption="Attempts to top up before success (chains per User and device, attempts after a failure "
                    f"at most {duration(ctx.parameter('pp_chain_gap_s'))} apart, by the month of their first "
                    "attempt)",
        ))
    successes, failures = ctx.value("pp.successes", segment="All"), ctx.value("pp.failures", segment="All")
    threshold = ctx.parameter("pp_failure_reasons_min_pct")
    share = 100.0 * failures / (successes + failures) if successes is not None and failures and \
        successes + failures > 0 else 0.0
    reasons = ctx.metric("pp.failure_reasons").sort_values(["value", "category"], ascending=[False, True])
    if threshold is not None and share > threshold and not reasons.empty:
        parts.append(_reasons_table(ctx, reasons, "Failed top-ups (indicator)",
                                    f"Top-up failures by reason: failures are {share:.2f}% of top-ups, above "
                                    f"{threshold:g}%"))
    elif threshold is not None:
        parts.append(f"<p>Top-up failures are {share:.2f}% of top-ups, not above {threshold:g}%: reasons are in "
                     "metrics.csv (pp.failure_reasons) and not repeated here.</p>")
    return "".join(parts)


# --- DF1-DF3, CH1, CH2 ------------------------------------------------------------------

def _firmware(ctx, charts) -> str:
    delivery = duration(ctx.parameter("fw_delivery_window_s"))
    verification = duration(ctx.parameter("fw_verification_window_s"))
    stages = [
        ("Requested (deliverable 11.1)", None, None),
        (f"Delivered to the hub within {delivery}", "fw.pct_delivered", "of requested"),
        ("Verified by the device (8F72)", "fw.pct_verified", "of delivered"),
        ("Activated (11.3 successful)", "fw.pct_activated", "of 11.3 requests"),
    ]
    parts = ["<h3>Device firmware (DF1–DF3) and Communications Hub firmware (CH1, CH2)</h3>"]
    funnel = [(label, 100.0 if metric_id is None else ctx.value(metric_id), base)
              for label, metric_id, base in stages]
    if ctx.value("fw.pct_delivered") is not None or ctx.value("fw.pct_activated") is not None:
        data = pd.DataFrame([{"stage": f"{label} ({base})" if base else label, "order": i, "pct": value}
                             for i, (label, value, base) in enumerate(funnel) if value is not None])
        base = alt.Chart(data).encode(
            y=alt.Y("stage:N", sort=alt.EncodingSortField("order"), title=None, axis=alt.Axis(labelLimit=400)),
            x=alt.X("pct:Q", title="% of the population in brackets", scale=alt.Scale(domain=[0, 100])),
            tooltip=["stage:N", alt.Tooltip("label:N", title="share")],
        ).transform_calculate(label="format(datum.pct, '.2f') + '%'")  # as the tables print it
        chart = (base.mark_bar(color="#1d3557")
                 + base.mark_text(align="left", dx=4).encode(text="label:N")).properties(
            width=440, height=30 * len(data),
            title=alt.TitleParams("The firmware journey", subtitle="Each bar is a share of its own population, "
                                  "in brackets: not a funnel of one set of requests"))
        parts.append(charts.embed(chart, "Firmware journey: requested, delivered, verified, activated"))
    parts.append(single_table(ctx, [
        (f"Images delivered within {delivery} (DF1, %)", "fw.pct_delivered", "fw.requested"),
        ("… of delivered: verified, 8F72 (DF2, %)", "fw.pct_verified", "fw.delivered"),
        ("… of delivered: verification failed, 8F1C (DF2, %)", "fw.pct_verification_failed", "fw.delivered"),
        (f"… of delivered: no verification alert within {verification} (DF2, %)", "fw.pct_no_verification_alert",
         "fw.delivered"),
        ("Firmware activations successful (DF3, %)", "fw.pct_activated", "fw.activation_requests"),
        ("Communications Hub images delivered (CH1, %)", "chfw.pct_delivered", "chfw.deliveries"),
        ("Communications Hub images activated (CH2, %)", "chfw.pct_activated", "chfw.activation_outcomes"),
    ], "Firmware, all segments (Of: the requests or hub events each share is of)"))
    return "".join(parts)


def render(ctx, charts) -> str:
    parts = ["<p>Outcome measures of the key business processes (MP122 requirements, section 2.4). Each row "
             "says whether it is a measure or an indicator; a deliverable request is one not rejected at the DCC "
             "boundary; success means the final response succeeded (or is the I99 that ends a Non-Device "
             "request) and no N12/N13 alert names the request. Transform requests are never counted.</p>"]
    parts.append(_installs(ctx, charts))
    parts.append(_change_of_supplier(ctx))
    parts.append(_billing(ctx))
    parts.append(_prepayment(ctx))
    parts.append(_firmware(ctx, charts))
    return "".join(parts)


SECTION = Section(
    "outcomes", "Requirement 2: outcome measures",
    ids("ic.pct_trt_missed", "ic.requests", "ic.installs", "ic.installs_predicted", "ic.install_and_commission",
        "ic.install_and_leave", "ic.deviation", "ic.major_incidents_open", "cos.pct_success", "cos.requests",
        "cos.failures",
        "billing.pct_on_demand_read_success", "billing.pct_read_within_24h", "billing.pct_schedule_success",
        "billing.schedules", "billing.scheduled_reads", "billing.on_demand_reads",
        "pp.pct_success", "pp.successes", "pp.failures", "pp.attempts", "pp.failure_reasons",
        "pp.pct_non_communicating", "fw.pct_delivered", "fw.pct_verified", "fw.pct_verification_failed",
        "fw.pct_no_verification_alert", "fw.pct_activated", "fw.requested", "fw.delivered", "fw.activation_requests",
        "chfw.pct_delivered", "chfw.pct_activated", "chfw.deliveries", "chfw.activation_outcomes"),
    render,
)
