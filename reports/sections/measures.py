"""At a glance: every measure (metrics with a target) for All segments, monthly,
against its service levels."""

from __future__ import annotations

from reports.format import number, status, table
from reports.sections import Section


def _scope(r, names: dict[str, str]) -> str:
    """What the figure is about, as the report names it elsewhere."""
    for column in ("business_process", "service"):
        if isinstance(r[column], str):
            return names.get(r[column], r[column])
    if isinstance(r["category"], str):
        return f"Category {r['category']} incidents" if r["requirement"] == "R5" else r["category"]
    return "All segments" if r["segment"] == "All" else ""


def render(ctx, charts) -> str:
    rows = ctx.metrics[
        (ctx.metrics["kind"] == "measure") & ctx.metrics["day"].isna() & ctx.metrics["target"].notna()
    ]
    rows = rows[rows["segment"].isna() | (rows["segment"] == "All")]
    rows = rows[rows["time_band"].isna() & rows["device_type"].isna()]
    names = dict(ctx.query("select business_process, display_name from reference.business_processes").values)
    names |= dict(ctx.query("select distinct service, service_name from reference.service_components").values)
    lines = []
    order = ["requirement", "metric_id", "business_process", "service", "category"]
    for _, r in rows.sort_values(order, na_position="first").iterrows():
        scope = _scope(r, names)
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
