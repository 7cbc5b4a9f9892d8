"""The tables of the Requirement 2 section (reports/sections/outcomes.py): figures
with segments as columns or for all segments with their populations, each row marked
measure or indicator, with service levels where the seed sets them."""

from __future__ import annotations

from reports.charts import SEGMENT_ORDER
from reports.context import BREAKDOWNS
from reports.format import number, status, table


def _kind(ctx, metric_id: str) -> str:
    found = ctx.catalogue[ctx.catalogue["metric_id"] == metric_id]
    return "" if found.empty else str(found["kind"].iloc[0]).capitalize()


NO_LEVEL = "no service level set"
NO_LEVEL_NOTE = ('<p class="note">No service level set: the metric definitions v1 set no target or minimum '
                 "for the measures so marked, so they have no status.</p>")


def _kind_cell(ctx, metric_id: str, target, levels_stated: bool, breakdown: dict) -> str:
    """The Kind column: the kind of the row's monthly figures (a measure's rows by
    segment or device type are indicators where its YAML lists them under
    indicator_breakdowns), or the catalogue's when the row has no figure; a measure
    without a target says so rather than leave its level cells blank (unless the
    text above the table states its levels)."""
    figures = ctx.metric(metric_id, **({"day": None} | breakdown))
    kinds = set(figures["kind"]) if "kind" in figures else set()
    no_level = target is None and not levels_stated
    if len(kinds) > 1:
        measured = set(figures.loc[figures["kind"] == "measure", "segment"])
        if measured == {"All"} and "All" not in set(figures.loc[figures["kind"] == "indicator", "segment"]):
            return "Measure for All segments" + (f", {NO_LEVEL}" if no_level else "") + "; indicator by segment"
        return "Measure and indicator rows (the kind of each is in metrics.csv)"
    kind = kinds.pop().capitalize() if kinds else _kind(ctx, metric_id)
    return f"{kind}, {NO_LEVEL}" if kind == "Measure" and no_level else kind


def _unit(ctx, metric_id: str) -> str | None:
    found = ctx.catalogue[ctx.catalogue["metric_id"] == metric_id]
    return None if found.empty else str(found["unit"].iloc[0])


def _levels(ctx, metric_id: str) -> tuple[float | None, float | None]:
    rows = ctx.metric(metric_id)
    rows = rows[rows["target"].notna()] if "target" in rows else rows.iloc[0:0]
    if rows.empty:
        return None, None
    return float(rows["target"].iloc[0]), float(rows["minimum"].iloc[0])


def _present_segments(ctx, metric_ids: list[str]) -> list[str]:
    monthly = ctx.metrics[ctx.metrics["metric_id"].isin(metric_ids) & ctx.metrics["day"].isna()]
    present = set(monthly["segment"].dropna())
    return [s for s in SEGMENT_ORDER if s in present]


def _with_count(ctx, share: float | None, part_id: str | None, whole_ids: tuple[str, ...], segment: str,
                breakdown: dict | None = None) -> str:
    """A share shown with the counts it is made of, "40.00% (2 of 5)", when both are
    figures of the same family (part_id over the sum of whole_ids, with the share's
    breakdown) and agree with the share; with its population alone, "9.09% (of 11)",
    when part_id is None (a share of a tiny population reads differently); the share
    alone otherwise."""
    breakdown = breakdown or {}
    text = number(share, "pct")
    whole = [ctx.value(metric_id, segment=segment, **breakdown) for metric_id in whole_ids]
    if share is None or None in whole or sum(whole) <= 0:
        return text
    if part_id is None:
        return f"{text} (of {sum(whole):,.0f})"
    part = ctx.value(part_id, segment=segment, **breakdown)
    if part is None or abs(100.0 * part / sum(whole) - share) > 1e-6:
        return text
    return f"{text} ({part:,.0f} of {sum(whole):,.0f})"


def segment_table(ctx, rows: list[tuple], caption: str, levels_stated: bool = False,
                   counts: dict | None = None, judged: dict | None = None) -> str:
    """rows: (label, metric_id, breakdown other than segment and day[, display
    unit]). Segments as columns; a Kind column; Target / Minimum columns when any
    row has them. levels_stated: the text above the table states the service
    levels of its measures. counts: label -> (part id or None, whole ids) of a share
    row whose counts, or population, are figures too (_with_count). judged: label -> (target, minimum,
    higher is better) of a row whose levels the text states: a row below it gives
    each segment's status against them."""
    segments = _present_segments(ctx, [row[1] for row in rows])
    if not segments:
        return ""
    levels = {row[1]: _levels(ctx, row[1]) for row in rows}
    with_levels = any(t is not None for t, _ in levels.values())
    header = ["Monthly figure"] + segments + ["Kind"] + (["Target", "Minimum"] if with_levels else [])
    body = []
    for label, metric_id, breakdown, *display in rows:
        unit = display[0] if display else _unit(ctx, metric_id)
        if counts and label in counts:
            cells = [_with_count(ctx, ctx.value(metric_id, segment=s, **breakdown), *counts[label], s, breakdown)
                     for s in segments]
        else:
            cells = [number(ctx.value(metric_id, segment=s, **breakdown), unit) for s in segments]
        target, minimum = levels[metric_id]
        line = [label] + cells + [_kind_cell(ctx, metric_id, target, levels_stated, breakdown)]
        if with_levels:
            line += [number(target, unit), number(minimum, unit)]
        body.append(line)
        if judged and label in judged:
            levels_of_row = judged[label]
            body.append(["  … against the service levels"]
                        + [status(ctx.value(metric_id, segment=s, **breakdown), *levels_of_row) for s in segments]
                        + [""] * (1 + 2 * with_levels))
    return table(header, body, caption=caption) + _no_level_note(body)


def single_table(ctx, rows: list[tuple[str, str, str]], caption: str) -> str:
    """rows: (label, metric_id, population metric_id) of monthly shares without
    breakdown, each shown with the count it is a share of. Target / Minimum columns
    only when a row has them (the seed sets no level for most Requirement 2
    measures, and a column of dashes reads as a missing value)."""
    levels = {metric_id: _levels(ctx, metric_id) for _, metric_id, _ in rows}
    with_levels = any(t is not None for t, _ in levels.values())
    body = []
    for label, metric_id, population in rows:
        unit = _unit(ctx, metric_id)
        target, minimum = levels[metric_id]
        line = [label, number(ctx.value(metric_id), unit), number(ctx.value(population), "count"),
                _kind_cell(ctx, metric_id, target, False, dict.fromkeys(BREAKDOWNS))]
        if with_levels:
            line += [number(target, unit), number(minimum, unit)]
        body.append(line)
    header = ["Monthly figure", "All segments", "Of", "Kind"] + (["Target", "Minimum"] if with_levels else [])
    return table(header, body, caption=caption) + _no_level_note(body)


def _no_level_note(body: list[list[str]]) -> str:
    return NO_LEVEL_NOTE if any(NO_LEVEL in cell for line in body for cell in line) else ""


def device_types(ctx, metric_id: str, **breakdown) -> list[str]:
    rows = ctx.metric(metric_id, day=None, **breakdown)
    return sorted(t for t in set(rows["device_type"].dropna()))
