"""A1: alerts delivered within their target time (alert_trt_s), with how many alerts that share counts and
how many storm throttling suppressed, and the alert codes that were late with their
meaning (reference.alert_codes, which holds the codes the metric definitions name; a
Device Alert code it lacks says so rather than guess a GBCS meaning)."""

from __future__ import annotations

from pmr.metric_declarations import duration
from reports.charts import SEGMENT_ORDER
from reports.format import number, status, table
from reports.sections import Section, ids


NOT_IN_REFERENCE = "– (not in the alert code reference)"

# the share's population and the alerts it leaves out, beside it
COUNTS = (("  … of alerts counted (not suppressed)", "alerts.counted"),
          ("Alerts suppressed by storm throttling (never sent, not counted)", "alerts.suppressed"))


def render(ctx, charts) -> str:
    within = ctx.metric("alerts.pct_within_sla", day=None)
    if within.empty:
        return "<p>No alerts in this period.</p>"
    segments = [s for s in SEGMENT_ORDER if s in set(within["segment"])]
    target, minimum = within["target"].iloc[0], within["minimum"].iloc[0]
    window = duration(ctx.parameter("alert_trt_s"), "their target time")
    parts = [table(
        ["Measure (A1)"] + segments + ["Target", "Minimum"],
        [[f"Alerts delivered within {window}"]
         + [number(ctx.value("alerts.pct_within_sla", segment=s), "pct") for s in segments]
         + [number(target, "pct"), number(minimum, "pct")],
         ["  … against the service levels"]
         + [status(ctx.value("alerts.pct_within_sla", segment=s), target, minimum) for s in segments] + ["", ""]]
        + [[label] + [number(ctx.value(metric_id, segment=s), "count") for s in segments] + ["", ""]
           for label, metric_id in COUNTS],
        caption="Alerts delivered within their target time (A1), by segment",
    )]
    late = ctx.metric("alerts.late").sort_values(["value", "category"], ascending=[False, True])
    if not late.empty:
        meanings = dict(ctx.query("select alert_code, meaning from reference.alert_codes").values)
        parts.append(table(
            ["Alert code", "Meaning", f"Alerts not delivered within {window} (indicator)"],
            [[r["category"], meanings.get(r["category"], NOT_IN_REFERENCE), number(r["value"], "count")]
             for _, r in late.iterrows()],
            caption="Late alerts by code, all segments",
        ))
    return "".join(parts)


SECTION = Section("alerts", "Requirement 2, A1: alerts delivered within their target time",
                  ids("alerts.pct_within_sla", "alerts.counted", "alerts.suppressed", "alerts.late"), render)
