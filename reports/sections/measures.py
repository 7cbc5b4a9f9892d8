"""At a glance: every measure (metrics with a target) for All segments, monthly,
against its service levels."""

from __future__ import annotations

from reports.format import esc, number, status, table
from reports.sections import Section


def render(ctx, charts) -> str:
    rows = ctx.metrics[
        (ctx.metrics["kind"] == "measure") & ctx.metrics["day"].isna() & ctx.metrics["target"].notna()
    ]
    rows = rows[rows["segment"].isna() | (rows["segment"] == "All")]
    rows = rows[rows["time_band"].isna() & rows["device_type"].isna()]
    lines = []
    for _, r in rows.sort_values(["requirement", "metric_id", "business_process", "service"], na_position="first").iterrows():
        scope = r["business_process"] if isinstance(r["business_process"], str) else (
            r["service"] if isinstance(r["service"], str) else "")
        lines.append([
            ctx.title(r["metric_id"]), r["requirement"], scope, number(r["value"], r["unit"]),
            number(r["target"], r["unit"]), number(r["minimum"], r["unit"]),
            status(r["value"], r["target"], r["minimum"]),
        ])
    if not lines:
        return "<p>No measures with service levels this month.</p>"
    return table(["Measure", "Requirement", "Scope", "This month", "Target", "Minimum", "Status"], lines,
                 caption="Measures for all segments against their service levels")


SECTION = Section("measures", "Measures at a glance", lambda metric_id: False, render)
