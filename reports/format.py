"""Display formatting and small HTML builders. Rounding happens here only; the
figures themselves keep full precision (metrics.md §1)."""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Iterable
from zoneinfo import ZoneInfo

import pandas as pd


def number(value, unit: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "pct":
        return f"{value:.2f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "ratio":
        return f"{value:+.3f}"
    # durations keep two decimals however long, so a column or a range ("0.15 – 1,010.00")
    # reads at one precision
    return f"{value:,.2f}"


def esc(text) -> str:
    return html.escape("" if text is None else str(text))


def links_within(targets: list[tuple[str, str]]) -> str:
    """Links to the parts of a long section, [(anchor id, label)], under its heading."""
    items = "".join(f'<li><a href="#{esc(anchor)}">{esc(label)}</a></li>' for anchor, label in targets)
    return f'<ul class="within">{items}</ul>' if targets else ""


def table(header: list[str], rows: Iterable[list], caption: str | None = None, label_columns: int = 1,
          css: str = "") -> str:
    """rows hold already formatted cell text (escaped here); the first `label_columns`
    cells of a row are its headers (what the row is), the others its figures. Each
    header says which way it reads (scope), so a screen reader names a figure by its
    row's headers as well as its column's, even where a row has several (measure,
    requirement, scope)."""
    parts = [f'<table class="figures {css}">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th scope=col>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>")
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            cells.append(f"<th scope=row>{esc(cell)}</th>" if index < label_columns else f"<td>{esc(cell)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def status(value, target, minimum, higher_is_better: bool = True) -> str:
    """Against service levels: target met; target missed (minimum met); minimum missed.
    Said as a shortfall first, so a figure short of its target never reads as a pass;
    "missed", not "below", since for a share missed (IC1) the levels are ceilings."""
    def missing(level) -> bool:
        return level is None or (isinstance(level, float) and math.isnan(level))

    if value is None or missing(target):
        return ""
    if not higher_is_better:
        value, target = -value, -target
        minimum = None if missing(minimum) else -minimum
    if value >= target:
        return "target met"
    if missing(minimum):  # a target without a minimum: nothing to say of a minimum
        return "target missed"
    if value >= minimum:
        return "target missed (minimum met)"
    return "minimum missed"


def uk_local(moment, with_year: bool = False) -> str:
    """A naive UTC timestamp as UK local time to the minute, with its zone (GMT or BST):
    "Sun 11 Oct 01:10 BST", with the year when the month alone does not tell it."""
    if moment is None or pd.isna(moment):
        return ""
    local = pd.Timestamp(moment).tz_localize("UTC").tz_convert(ZoneInfo("Europe/London"))
    return local.strftime("%a %d %b %Y %H:%M %Z" if with_year else "%a %d %b %H:%M %Z")


def uk_time(instant) -> str | None:
    """An ISO instant as UK local time, to the minute, with its zone (GMT or BST); None
    when `instant` is not an ISO time with its offset (a run log edited or damaged)."""
    try:
        moment = dt.datetime.fromisoformat(instant)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M %Z")
