"""Every metric id that no other section shows: a generic long table, so a newly
added metric appears on the page without any Python change."""

from __future__ import annotations

import pandas as pd

from reports.charts import SEGMENT_ORDER
from reports.format import number, status, table
from reports.sections import Section

BREAKDOWNS = ["day", "business_process", "segment", "device_type", "service", "time_band", "category"]


def unclaimed(ctx) -> list[str]:
    from reports.sections import all_sections

    claimed = [s.claims for s in all_sections() if s.key != "other"]
    return sorted(m for m in set(ctx.metrics["metric_id"]) if not any(claim(m) for claim in claimed))


def render(ctx, charts) -> str:
    metric_ids = unclaimed(ctx)
    parts = ["<p>Figures defined in the metric catalogue that have no dedicated layout yet.</p>"]
    for metric_id in metric_ids:
        rows = ctx.metric(metric_id)
        used = [c for c in BREAKDOWNS if rows[c].notna().any()]
        unit = rows["unit"].iloc[0]
        levels = bool(rows["target"].notna().any())  # a measure with a service level: show it and the status
        body = []
        ordered = rows.assign(segment=pd.Categorical(rows["segment"], SEGMENT_ORDER, ordered=True))
        for _, r in ordered.sort_values(used, na_position="first").iterrows() if used else rows.iterrows():
            target, minimum = (None if pd.isna(r[c]) else float(r[c]) for c in ("target", "minimum"))
            body.append([("" if pd.isna(r[c]) else str(r[c])[:10] if c == "day" else str(r[c])) for c in used]
                        + [number(r["value"], unit)]
                        + ([number(target, unit), number(minimum, unit),
                            status(None if pd.isna(r["value"]) else r["value"], target, minimum)] if levels else []))
        header = [c.replace("_", " ") for c in used] + [f"value ({unit})"] + (
            ["target", "minimum", "status"] if levels else [])
        kinds = ", ".join(sorted(set(rows["kind"])))
        caption = f"{ctx.title(metric_id)} — {metric_id} ({rows['requirement'].iloc[0]}, {kinds})"
        parts.append(table(header, body, caption=caption, label_columns=1 if used else 0))
    return "".join(parts)


SECTION = Section("other", "Other figures", lambda metric_id: False, render)
