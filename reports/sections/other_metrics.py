"""Every metric id that no other section shows: a generic long table, so a newly
added metric appears on the page without any Python change. Daily figures by segment
(a figure per UK day and segment, and nothing else broken down) are drawn as a line per
segment with their table folded under the chart, as the dedicated sections draw theirs;
other daily figures (among them a daily measure, whose table shows its service levels
and status) are a table folded under its caption; monthly figures stay a table."""

from __future__ import annotations

import html

import pandas as pd

from reports.charts import (SEGMENT_ORDER, by_day_and_segment, daily_lines, figures_table, marking_days_without_data,
                            with_properties)
from reports.format import number, status, table
from reports.sections import Section

BREAKDOWNS = ["day", "business_process", "segment", "device_type", "service", "time_band", "category"]
UNIT_TITLES = {"pct": "%", "count": "count", "s": "s", "h": "h", "min": "min", "ratio": "ratio"}


def unclaimed(ctx) -> list[str]:
    from reports.sections import all_sections

    claimed = [s.claims for s in all_sections() if s.key != "other"]
    return sorted(m for m in set(ctx.metrics["metric_id"]) if not any(claim(m) for claim in claimed))


def render(ctx, charts) -> str:
    parts = ["<p>Figures defined in the metric catalogue that have no dedicated layout yet.</p>"]
    for metric_id in unclaimed(ctx):
        rows = ctx.metric(metric_id)
        kinds = ", ".join(sorted(set(rows["kind"])))
        caption = f"{ctx.title(metric_id)} — {metric_id} ({rows['requirement'].iloc[0]}, {kinds})"
        monthly, daily = rows[rows["day"].isna()], rows[rows["day"].notna()]
        if not monthly.empty:
            parts.append(_table(monthly, caption))
        if not daily.empty:
            parts.append(_daily(ctx, charts, daily, caption))
    return "".join(parts)


def _table(rows: pd.DataFrame, caption: str) -> str:
    """The figures of `rows` (one metric id), a row per breakdown, with the service
    levels and status of a measure that has them."""
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
    return table(header, body, caption=caption, label_columns=1 if used else 0)


def _daily(ctx, charts, daily: pd.DataFrame, caption: str) -> str:
    unit = daily["unit"].iloc[0]
    by_segment_only = [c for c in BREAKDOWNS if daily[c].notna().any()] in (["day"], ["day", "segment"])
    points = daily.assign(segment=daily["segment"].fillna("All"))
    with_levels = bool(daily["target"].notna().any())  # a daily measure: its table shows the levels and status
    if charts is None or with_levels or not by_segment_only or points.duplicated(["day", "segment"]).any():
        return (f'<details class="chart-figures"><summary>Daily figures: {html.escape(caption)}</summary>'
                f"{_table(daily, f'{caption}, daily')}</details>")
    value_title = f"{caption.split(' — ')[0]} ({UNIT_TITLES.get(unit, unit)})"
    chart = marking_days_without_data(daily_lines(points[["day", "segment", "value"]], value_title), ctx.days_without_data)
    header = f"Value ({UNIT_TITLES.get(unit, unit)})"
    figures = figures_table(by_day_and_segment(points.assign(figure="value")[["day", "segment", "figure", "value"]],
                                               {"value": header}),
                            {header: unit if unit in ("pct", "count", "ratio") else None}, f"{caption}, daily")
    return charts.embed(with_properties(chart, title=f"{caption}: daily, by segment"),
                        f"{caption}: a line per segment across the UK days of the month, each segment a colour and a "
                        "point shape", figures)


SECTION = Section("other", "Other figures", lambda metric_id: False, render)
