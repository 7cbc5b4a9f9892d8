"""A1: alerts delivered within their target time (alert_trt_s), with how many alerts that share counts and
how many storm throttling suppressed, and the alert codes that were late with their
meaning (reference.alert_codes, which holds the codes the metric definitions name; a
code it lacks is given with its kind, Device or DCC Alert, rather than a guessed GBCS
meaning)."""

from __future__ import annotations

from pmr.metric_parameters import duration
from reports.charts import SEGMENT_ORDER
from reports.format import number, status, table
from reports.sections import Section, ids


NOT_IN_REFERENCE = "– (not in the alert code reference)"
KINDS = {"device": "Device Alert", "dcc": "DCC Alert"}

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
        ["Figure (A1)"] + segments + ["Target", "Minimum"],
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
        unnamed = late[~late["category"].isin(list(meanings))]
        kinds = _kinds(ctx, list(unnamed["category"]))
        parts.append(table(
            ["Alert code", "Meaning", f"Alerts not delivered within {window} (indicator)"],
            [[r["category"], meanings.get(r["category"]) or kinds.get(r["category"], NOT_IN_REFERENCE),
              number(r["value"], "count")]
             for _, r in late.iterrows()],
            caption="Late alerts by code, all segments",
        ))
        if not unnamed.empty:
            parts.append(
                f'<p class="note">{number(unnamed["value"].sum(), "count")} of the '
                f'{number(late["value"].sum(), "count")} late alerts have a code that the alert code reference '
                "does not hold: it holds the codes the metric definitions name, while the extracts may carry any "
                "GBCS Device Alert code (four hex digits) or DCC Alert code (N or AD and a number). Such alerts "
                "are counted, with their kind as the extract gives it; a code in neither form is quarantined "
                "(data-quality appendix).</p>")
    return "".join(parts)


def _kinds(ctx, codes: list[str]) -> dict[str, str]:
    """'Device Alert (meaning not in the alert code reference)' or the DCC kind, per code,
    as the alerts of the warehouse give it (alert_kind)."""
    if not codes:
        return {}
    rows = ctx.query("select alert_code, string_agg(distinct alert_kind, ',' order by alert_kind) as kinds "
                     "from marts.fct_alerts where list_contains(?, alert_code) group by alert_code", [codes])
    return {code: " or ".join(KINDS.get(kind, kind) for kind in kinds.split(","))
            + " (meaning not in the alert code reference)" for code, kinds in rows.values}


SECTION = Section("alerts", "Requirement 2, A1: alerts delivered within their target time",
                  ids("alerts.pct_within_sla", "alerts.counted", "alerts.suppressed", "alerts.late"), render)
