"""Altair charts, embedded in the page with the Vega libraries inlined (no network)."""

from __future__ import annotations

import html
import json
import os
from functools import lru_cache
from pathlib import Path

import altair as alt
import jsonschema
import pandas as pd
from altair.vegalite.v6.schema import core

from pmr.calendar import bank_holidays
from reports.format import number, table

SEGMENT_ORDER = ["North", "Central", "South", "SMETS1", "All"]
# Okabe and Ito's colours, told apart with the common colour-vision deficiencies, and a
# point shape per segment as well, so a reader who sees no colour (or a grey print)
# still tells the lines apart. Each has at least 3:1 contrast on white (WCAG's level
# for graphics): South is their vermilion, since their orange has 2.25:1.
SEGMENT_COLOURS = ["#0072B2", "#009E73", "#D55E00", "#CC79A7", "#444444"]
SEGMENT_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross"]
# A figure in a tooltip (d3 format): a count as a whole number (1,234), any other to at
# most two decimals (97.5, 33.27), trailing zeros trimmed
TOOLTIP_NUMBER = ",.2~f"


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, for a page that works with no
    network. Building it takes seconds, so it is cached on disk per version."""
    import tempfile

    import vl_convert

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    cache = Path(tempfile.gettempdir()) / f"pmr-vega-bundle-{vl_convert.__version__}-{version}.js"
    if cache.exists():
        return cache.read_text()
    bundle = vl_convert.javascript_bundle(vl_version=version)
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(bundle)
    os.replace(partial, cache)
    return bundle


class ChartEmbedder:
    """Turns charts into <div>s plus the script that renders them, numbering them
    in page order so the page is identical for identical figures."""

    def __init__(self) -> None:
        self.count = 0

    def embed(self, chart: alt.TopLevelMixin | dict, label: str, figures: str = "") -> str:
        """The figure keeps `label` as its accessible name: Vega draws into a canvas
        inside it, hidden from screen readers, since Vega labels what it draws
        "Vega visualization" and would name the figure so. Until a chart is drawn (or
        without JavaScript) the canvas says what the chart shows and where its figures
        are. `figures` (figures_table) follows the chart, folded, so that a reader who
        cannot see the chart or hover its points (a screen reader, the keyboard) reads
        every figure it draws. `chart`: an Altair chart, or one composed by layer,
        vconcat, hconcat or with_properties."""
        self.count += 1
        element = f"chart-{self.count}"
        spec = json.dumps(top_level(chart), sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
        where = "in the table under it and in metrics.csv" if figures else "in metrics.csv"
        return (
            f'<figure class="chart" id="{element}" role="img" aria-label="{html.escape(label, quote=True)}">'
            f'<div class="chart-canvas" aria-hidden="true"><p class="chart-fallback">Chart: {html.escape(label)}. '
            f"It is drawn by JavaScript, which this page has not run; the figures it shows are {where}.</p>"
            f"</div></figure>"
            f"<script>pmrEmbed('#{element}', {spec});</script>{figures}"
        )


# Composing charts. Altair's alt.layer, vconcat and hconcat copy every chart they are given,
# deeply, at every level of nesting, and a daily chart nests four levels (a panel's rules,
# lines and names, the band of days without data, the panels): that copying was most of
# a page's render time, twice as much with days without data. So charts are composed as
# their Vega-Lite dicts: each Altair chart turned into its dict once, unchecked, and the
# whole composed chart checked against the schema once, by top_level. Encodings are
# given as channel objects (alt.X("day:T"), alt.Tooltip("segment:N"), alt.XValue(0)),
# never as shorthand text or dicts: Altair turns those into channels with from_dict,
# which indexes all of its schema classes on each call (about 10 ms a channel; 15-20%
# of a report's render time, docs/benchmarks.md) and writes the same Vega-Lite.


def vega_lite(chart: alt.TopLevelMixin | dict) -> dict:
    """`chart` as a Vega-Lite dict, its data in `datasets` as Altair writes them, without
    the `$schema` and `config` that top_level adds once per chart. A dict is a chart
    already composed (layer, vconcat, hconcat, with_properties)."""
    if isinstance(chart, dict):
        return chart
    spec = chart.to_dict(validate=False)  # top_level checks the whole chart
    del spec["$schema"]
    if spec.pop("config", None) not in (None, _altair_top_level()["config"]):
        # Vega-Lite reads config at the top only: inside a composed chart it would be lost
        raise ValueError("a chart to compose has its own configure_*() settings: give them to the composed chart "
                         "instead, with_properties(chart, config={...})")
    return spec


def _plain(properties: dict) -> dict:
    """Top-level properties as Vega-Lite values (an alt.TitleParams as its dict)."""
    return {name: value.to_dict() if isinstance(value, alt.SchemaBase) else value
            for name, value in properties.items()}


def with_properties(chart: alt.TopLevelMixin | dict, **properties) -> dict:
    """`chart` with the top-level `properties` of Altair's .properties() (title, width,
    height, resolve ...; Altair values such as alt.TitleParams allowed)."""
    return {**vega_lite(chart), **_plain(properties)}


def _compose(kind: str, charts, properties: dict) -> dict:
    parts = [dict(vega_lite(chart)) for chart in charts]
    datasets = {}
    for part in parts:
        datasets.update(part.pop("datasets", {}))
    spec = {kind: parts}
    if kind == "layer":
        spec.update(_lifted_from_layers(parts))
    spec.update(_plain(properties))
    if datasets:
        spec["datasets"] = datasets
    return spec


def _lifted_from_layers(parts: list[dict]) -> dict:
    """What alt.layer moves from the layers up to the layer chart: the data every layer
    shares, and width, height and view, which Vega-Lite allows on the layer chart only."""
    lifted = {}
    data = [part.get("data") for part in parts]
    if data[0] is not None and all(d == data[0] for d in data[1:]):
        lifted["data"] = data[0]
        for part in parts:
            del part["data"]
    for name in ("width", "height", "view"):
        values = [part.pop(name) for part in parts if name in part]
        if any(value != values[0] for value in values[1:]):
            raise ValueError(f"the layers of a chart have different {name}s: {values}")
        if values:
            lifted[name] = values[0]
    return lifted


def layer(*charts, **properties) -> dict:
    """The charts drawn over each other in one view, the first underneath (alt.layer)."""
    return _compose("layer", charts, properties)


def vconcat(*charts, **properties) -> dict:
    """The charts one under the other (alt.vconcat)."""
    return _compose("vconcat", charts, properties)


def hconcat(*charts, **properties) -> dict:
    """The charts side by side (alt.hconcat)."""
    return _compose("hconcat", charts, properties)


# the schema of each composed chart at the top, by its key: checking against the one that
# applies is several times faster than against Vega-Lite's root, which tries each in turn
_TOP_LEVEL_SPECS = {"layer": core.TopLevelLayerSpec, "vconcat": core.TopLevelVConcatSpec,
                    "hconcat": core.TopLevelHConcatSpec, "mark": core.TopLevelUnitSpec}


@lru_cache(maxsize=1)
def _altair_top_level() -> dict:
    spec = alt.Chart(pd.DataFrame({"x": [0]})).mark_point().to_dict()
    return {"$schema": spec["$schema"], "config": spec["config"]}


def top_level(chart: alt.TopLevelMixin | dict) -> dict:
    """The chart as Altair's to_dict() writes a top-level chart; a composed chart is
    checked against the Vega-Lite schema here (ValueError naming the problem)."""
    if not isinstance(chart, dict):
        return chart.to_dict()
    spec = {**_altair_top_level(), **chart}
    kind = next(kind for kind in _TOP_LEVEL_SPECS if kind in spec)
    try:  # the datasets' rows are the data, not the chart: the Vega-Lite schema allows any values there
        _TOP_LEVEL_SPECS[kind].validate({name: value for name, value in spec.items() if name != "datasets"})
    except jsonschema.ValidationError as error:
        raise ValueError(f"the chart is not valid Vega-Lite: {error.message} at {list(error.absolute_path)}") from None
    return spec


def figures_table(rows: pd.DataFrame, units: dict[str, str | None], caption: str) -> str:
    """The figures a chart draws as a table folded under it (ChartEmbedder.embed):
    `rows` holds the table's columns in order, named as their headers, a `UK day`
    column of dates printed as the tables print days (a bank holiday named so), the
    columns of `units` printed as numbers in their unit (reports.format.number: "pct",
    "count", None for seconds and other figures with two decimals), any other column
    as text: the columns before the first of `units` name the row (its headers). A
    row per line of `rows`, in its order."""
    if rows.empty:
        return ""
    columns = list(rows.columns)
    holidays = bank_holidays()

    def cell(column: str, value) -> str:
        if column == "UK day":
            # a bank holiday's traffic and installs are not a weekday's: the reader is told why
            day = pd.Timestamp(value)
            return day.strftime("%a %d %b") + (" (bank holiday)" if day.date() in holidays else "")
        if column in units:
            return number(None if pd.isna(value) else float(value), units[column])
        return "" if pd.isna(value) else str(value)

    body = [[cell(column, value) for column, value in zip(columns, line)] for line in rows.itertuples(index=False)]
    labels = next((i for i, column in enumerate(columns) if column in units), len(columns))
    # the summary names the chart, so that a list of the page's controls tells them apart
    return (f'<details class="chart-figures"><summary>Table of the chart\'s figures: {html.escape(caption)}</summary>'
            f"{table(columns, body, caption=caption, label_columns=labels)}</details>")


def by_day_and_segment(data: pd.DataFrame, values: dict[str, str], segment_names: dict[str, str] | None = None
                       ) -> pd.DataFrame:
    """Long `data` (day, segment, a `figure` name, value) as figures_table rows: one
    per UK day and segment (in SEGMENT_ORDER, renamed by `segment_names`), a column per
    figure of `values` ({figure: header}), in that order; a figure missing that day
    and segment is empty."""
    twice = data[data.duplicated(["day", "segment", "figure"], keep=False)]
    if not twice.empty:  # a breakdown the chart does not draw: its points would be drawn over each other
        first = twice.iloc[0]
        raise ValueError(f"{len(twice)} figures share a day, segment and figure, e.g. {first['figure']} of "
                         f"{first['segment']} on {pd.Timestamp(first['day']):%Y-%m-%d}: the chart would draw them "
                         "on one point")
    wide = data.pivot(index=["day", "segment"], columns="figure", values="value").reset_index()
    for figure in values:
        if figure not in wide.columns:
            wide[figure] = float("nan")
    order = {segment: i for i, segment in enumerate(SEGMENT_ORDER)}
    wide = wide.assign(day=pd.to_datetime(wide["day"]), rank=wide["segment"].map(order)).sort_values(["day", "rank"])
    wide["segment"] = wide["segment"].map(lambda s: (segment_names or {}).get(s, s))
    return wide[["day", "segment", *values]].rename(columns={"day": "UK day", "segment": "Segment", **values})


def segment_channels(segments: list[str] | None = None, title: str = "Segment",
                     legend: alt.Legend | None = None) -> dict:
    """The colour and point shape of each segment (all of them, or `segments` in that
    order), as encode() arguments. Both channels share the field and title, so Vega-Lite
    draws one legend with each segment's colour and shape."""
    segments = segments or SEGMENT_ORDER
    colours = dict(zip(SEGMENT_ORDER, SEGMENT_COLOURS))
    shapes = dict(zip(SEGMENT_ORDER, SEGMENT_SHAPES))
    legend = legend if legend is not None else alt.Undefined
    return {
        "color": alt.Color("segment:N", title=title, legend=legend,
                           scale=alt.Scale(domain=segments, range=[colours[s] for s in segments])),
        "shape": alt.Shape("segment:N", title=title, legend=legend,
                           scale=alt.Scale(domain=segments, range=[shapes[s] for s in segments])),
    }


def with_gaps(data: pd.DataFrame, field: str = "value") -> pd.DataFrame:
    """`data` (one row per line and UK day) with a row of no value for each day a line
    has no figure (a segment without requests that day), from the first day of the data
    to its last: Vega-Lite breaks a line at a missing value, where it would otherwise
    join the days either side and draw figures nobody measured."""
    if data.empty:
        return data
    days = pd.date_range(pd.to_datetime(data["day"]).min(), pd.to_datetime(data["day"]).max(), freq="D")
    keys = [c for c in data.columns if c not in ("day", field)]
    lines = data[keys].drop_duplicates()
    spine = lines.merge(pd.DataFrame({"day": days}), how="cross")
    found = data.assign(day=pd.to_datetime(data["day"]))
    return spine.merge(found, on=keys + ["day"], how="left")[list(data.columns)]


def daily_axes(data: pd.DataFrame, value_title: str, height: int = 140, field: str = "value") -> alt.Chart:
    """The chart of daily_lines before its marks: UK days across, `field` up, a colour
    per segment, days without a figure as gaps (with_gaps)."""
    return (
        alt.Chart(with_gaps(data, field))
        .encode(
            x=alt.X("day:T", title="UK day", axis=alt.Axis(format="%d %b")),
            y=alt.Y(f"{field}:Q", title=value_title),
            color=segment_channels()["color"],
            tooltip=[alt.Tooltip("day:T", format="%a %d %b %Y"), alt.Tooltip("segment:N"),
                     alt.Tooltip(f"{field}:Q", format=TOOLTIP_NUMBER)],
        )
        .properties(width=640, height=height)
    )


def daily_lines(data: pd.DataFrame, value_title: str, height: int = 140, field: str = "value") -> alt.Chart:
    """A line with a point per UK day, one line per segment (its own colour and point
    shape, segment_channels), broken on a day without a figure (with_gaps)."""
    return daily_axes(data, value_title, height, field).mark_line(point=True).encode(
        shape=segment_channels()["shape"])


def marking_days_without_data(chart: alt.TopLevelMixin | dict, days) -> dict:
    """The daily chart with a grey band over each UK day without data (a month
    published with --allow-missing-days): a figure of 0 there, or a line drawn across,
    is an extract that did not land, not a quiet day. The chart as it was (vega_lite)
    when no day is missing."""
    if not days:
        return vega_lite(chart)
    band = pd.DataFrame({"day": [pd.Timestamp(day) for day in days]})
    band["start"] = band["day"] - pd.Timedelta(hours=12)  # centred on the day's point
    band["end"] = band["day"] + pd.Timedelta(hours=12)
    return layer(
        alt.Chart(band).mark_rect(color="#999999", opacity=0.25).encode(
            x=alt.X("start:T"), x2=alt.X2("end:T"),
            tooltip=[alt.Tooltip("day:T", title="Day without data (an extract did not land, or landed in part)",
                                 format="%a %d %b %Y")]),
        chart,
    )


def _levels_frame(levels: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"level": label, "value": value, "is_target": label.startswith("target")}
                         for label, value in levels.items()])


def level_rules(levels: dict[str, float], scale: alt.Scale) -> alt.Chart | None:
    """Rules at the service levels of a daily chart ({label: value}), on the chart's own
    y scale, under its lines: the target (a label starting "target") dashed, a minimum
    dotted, so they tell apart in print too; None when no level is set. level_names
    names them."""
    if not levels:
        return None
    return alt.Chart(_levels_frame(levels)).mark_rule(color="#b00020", opacity=0.7).encode(
        y=alt.Y("value:Q", scale=scale), tooltip=[alt.Tooltip("level:N")],
        strokeDash=alt.StrokeDashValue(value=[1, 3], condition={"test": "datum.is_target", "value": [5, 3]}))


def level_names(levels: dict[str, float], scale: alt.Scale) -> dict | None:
    """The names of level_rules' rules at their left ends, over the chart's lines on a
    white halo so they read where a line crosses them; None when no level is set."""
    if not levels:
        return None

    def names(**halo):
        return alt.Chart(_levels_frame(levels)).mark_text(
            align="left", baseline="bottom", dx=3, dy=-1, fontSize=9, color="#b00020", **halo,
        ).encode(x=alt.XValue(0), y=alt.Y("value:Q", scale=scale), text=alt.Text("level:N"))

    return layer(names(stroke="white", strokeWidth=3, strokeOpacity=0.9), names())
