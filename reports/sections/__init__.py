"""Report sections, in page order. A section shows some metric ids in its own
layout and claims exactly those, by name; every other metric id is shown by
`other_metrics`, so a newly added metric always reaches the page, whatever its
name (docs/adding-a-metric.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from reports.charts import ChartEmbedder
from reports.context import ReportContext
from reports.format import esc


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    claims: Callable[[str], bool]  # does this section show that metric id?
    render: Callable[[ReportContext, ChartEmbedder], str]


def ids(*metric_ids: str) -> Callable[[str], bool]:
    """Claims by name, not by family prefix: a new `rsvp.something` that no layout
    draws must still fall to `other_metrics`."""
    claimed = frozenset(metric_ids)
    return lambda metric_id: metric_id in claimed


def all_sections() -> list[Section]:
    from reports.sections import alerts, measures, other_metrics, quality, rsvp
    from reports.sections import outcomes
    from reports.sections import availability, incidents, terms

    return [
        measures.SECTION,
        rsvp.SECTION,
        outcomes.SECTION,
        alerts.SECTION,
        availability.SECTION,
        incidents.SECTION,
        other_metrics.SECTION,
        quality.SECTION,
        terms.SECTION,
    ]


def shown_ids(section: Section, ctx: ReportContext) -> list[str]:
    """The month's metric ids that `section` shows."""
    if section.key == "other":
        from reports.sections.other_metrics import unclaimed

        return unclaimed(ctx)
    return sorted(m for m in set(ctx.metrics["metric_id"]) if section.claims(m))


def provisional_note(section: Section, ctx: ReportContext) -> str:
    """A line at the top of a section that shows provisional figures, naming them, so a
    reader who comes to a table by its link still sees that its figures can change.
    The measures at a glance mark each row instead."""
    if section.key == "measures":
        return ""
    provisional = [m for m in shown_ids(section, ctx) if m in ctx.provisional_ids]
    if not provisional:
        return ""
    names = ", ".join(f"{esc(ctx.title(m))} (<code>{esc(m)}</code>)" for m in provisional)
    return (f'<p class="provisional"><strong>Provisional:</strong> {names} can still change when later extracts '
            "land (see the notice at the top of the page).</p>")
