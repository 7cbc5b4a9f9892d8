"""Requirement 2: the outcome measures (IC1, IC2, CoS1, B1, B2, PP1, DF1-DF3, CH1,
CH2). Per-segment tables in the layout of the seed (segments as columns) with each
row marked measure or indicator and its service levels where it has them; Install
and Commission's tables and charts (reports/sections/installs.py); the top-up
attempts table; failure reasons when top-up failures exceed the threshold; the
firmware journey as a bar chart.

Every number shown is a figure of metrics.csv (ctx.metrics), except thresholds read
from reference.parameters and the top-up failure share (pp.failures over
pp.successes + pp.failures, All) that decides whether the failure reasons are shown,
and DF2's list of devices without a verification alert (marts.pmr_firmware_without_verification),
whose count is fw.delivered's share fw.pct_no_verification_alert.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pmr.metric_parameters import duration
from reports.charts import layer
from reports.format import esc, number, table
from reports.sections import Section, ids
from reports.sections.installs import render_installs
from reports.sections.outcome_tables import device_types, segment_table, single_table

# --- CoS1 --------------------------------------------------------------------------

def _reasons_table(ctx, rows: pd.DataFrame, counted: str, caption: str) -> str:
    """Failures by final response code (category; `none`: no final response), each with
    its meaning from the response code reference, most frequent first; an I0 among them
    explained, since the reference calls it delivered."""
    meanings = dict(ctx.query("select response_code, meaning from reference.response_codes").values)
    meanings["none"] = "no final response"
    reasons = table(["Final response code", "Meaning", counted],
                    [[r["category"], meanings.get(r["category"], "– (not in the response code reference)"),
                      number(r["value"], "count")] for _, r in rows.iterrows()],
                    caption=caption)
    if (rows["category"] == "I0").any():
        reasons += ("<p class=\"note\">I0 is a successful final response: those requests failed because a DCC "
                    "failure alert (N12 or N13) named them.</p>")
    return reasons


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
    by_type = [(f"  … {device_type} (%)", "pp.pct_success", {"device_type": device_type})
               for device_type in device_types(ctx, "pp.pct_success")]
    rows = [(share_label, "pp.pct_success", {"device_type": None}), *by_type,
            ("Successful top-ups", "pp.successes", {}),
            ("Failed top-ups", "pp.failures", {}),
            ("Non-communicating devices in the read process (%)", "pp.pct_non_communicating", {})]
    counts = {label: (None, ("pp.requests",)) for label, *_ in by_type}
    counts["Non-communicating devices in the read process (%)"] = (None, ("pp.devices_read",))
    counts[share_label] = ("pp.successes", ("pp.successes", "pp.failures"))
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
                    f"attempt; {number(ctx.value('pp.chains'), 'count')} chains)",
        ))
    successes, failures = ctx.value("pp.successes", segment="All"), ctx.value("pp.failures", segment="All")
    threshold = ctx.parameter("pp_failure_reasons_min_pct")
    share = 100.0 * failures / (successes + failures) if successes is not None and failures and \
        successes + failures > 0 else 0.0
    reasons = ctx.metric("pp.failure_reasons").sort_values(["value", "category"], ascending=[False, True])
    if threshold is not None and share > threshold and not reasons.empty:
        parts.append(_reasons_table(ctx, reasons, "Failed top-ups (indicator)",
                                    f"Top-up failures by reason: failures are {share:.2f}% of deliverable "
                                    f"top-ups, above {threshold:g}%"))
    elif threshold is not None:
        parts.append(f"<p>Top-up failures are {share:.2f}% of deliverable top-ups, not above {threshold:g}%: "
                     "reasons are in metrics.csv (pp.failure_reasons) and not repeated here.</p>")
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
        chart = layer(base.mark_bar(color="#1d3557"), base.mark_text(align="left", dx=4).encode(text="label:N"),
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
    activation_failures = ctx.metric("fw.activation_failures").sort_values(["value", "category"],
                                                                            ascending=[False, True])
    if not activation_failures.empty:
        # the seed's DF3: "the percentage of success and failure responses to the SRV11.3"
        requests = ctx.value("fw.activation_requests")
        parts.append(_reasons_table(
            ctx, activation_failures, "Activations not successful (indicator)",
            "Firmware activations (11.3) not successful, by final response, all segments"
            + (f", of the {requests:,.0f} deliverable 11.3 requests" if requests else "")))
    parts.append(_devices_without_verification(ctx, verification))
    return "".join(parts)


def _devices_without_verification(ctx, verification: str) -> str:
    """DF2's record of devices (the seed: "record devices that did not issue an alert
    after the SLA has elapsed"): how many delivered images had no verification alert
    and where the warehouse lists their devices. The page names no device: device ids
    are the DCC's operational detail, not figures for the Panel (decision log)."""
    count = int(ctx.query("select count(*) as n from marts.pmr_firmware_without_verification")["n"].iloc[0])
    if not count:
        return ""
    return (f"<p>{count:,} delivered firmware image{'s' if count != 1 else ''} had no verification alert (8F72 or "
            f"8F1C) from the device within {verification} of delivery: possible failures to transfer the image from "
            "the Communications Hub to the device. The warehouse records each device, with its request and when "
            "its alert was due: <code>pmr sql \"select * from pmr_firmware_without_verification\"</code>.</p>")


def render(ctx, charts) -> str:
    parts = ["<p>Outcome measures of the key business processes (MP122 requirements, section 2.4). Each row "
             "says whether it is a measure or an indicator; a deliverable request is one not rejected at the DCC "
             "boundary; success means the final response succeeded (or is the I99 that ends a Non-Device "
             "request) and no N12/N13 alert names the request. Transform requests are never counted.</p>"]
    parts.append(render_installs(ctx, charts))
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
        "pp.pct_success", "pp.requests", "pp.successes", "pp.failures", "pp.attempts", "pp.chains",
        "pp.failure_reasons", "pp.pct_non_communicating", "pp.devices_read",
        "fw.pct_delivered", "fw.pct_verified", "fw.pct_verification_failed", "fw.pct_no_verification_alert",
        "fw.pct_activated", "fw.requested", "fw.delivered", "fw.activation_requests", "fw.activation_failures",
        "chfw.pct_delivered", "chfw.pct_activated", "chfw.deliveries", "chfw.activation_outcomes"),
    render,
)
