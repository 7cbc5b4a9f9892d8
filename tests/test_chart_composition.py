"""Charts are composed as Vega-Lite dicts (reports.charts.layer, vconcat, hconcat,
with_properties), not by Altair's alt.layer and friends, which copy every chart deeply
at each level. The composed chart must be the one Altair would have written."""

import datetime as dt

import altair as alt
import pandas as pd
import pytest

from reports.charts import hconcat, layer, marking_days_without_data, top_level, vconcat, with_properties


def _lines(values: list[float], width: int = 300) -> alt.Chart:
    data = pd.DataFrame({"day": [dt.datetime(2026, 10, d) for d in (1, 2)], "value": values})
    return alt.Chart(data).mark_line().encode(x="day:T", y="value:Q").properties(width=width, height=100)


def _rule(level: float) -> alt.Chart:
    return alt.Chart(pd.DataFrame({"level": [level]})).mark_rule(color="red").encode(y="level:Q")


def test_a_composed_chart_is_the_one_altair_writes():
    """The second implementation is Altair's own: each composition, nested as the daily
    charts nest them, gives the dict alt.layer, vconcat, hconcat and .properties() give."""
    shared = _lines([1.0, 2.0])
    north, south = _lines([3.0, 4.0], width=200), _lines([5.0, 6.0], width=200)
    cases = [
        # layers sharing one chart's data: the data moves up to the layer, with width and height
        (layer(shared.mark_line(), shared.mark_point()), alt.layer(shared.mark_line(), shared.mark_point())),
        # layers with data of their own, one of them a layer itself
        (layer(_rule(1.5), layer(shared, _rule(2.5))), alt.layer(_rule(1.5), alt.layer(shared, _rule(2.5)))),
        (vconcat(with_properties(layer(_rule(1.0), north), title="North"), south, title="Two panels",
                 resolve={"scale": {"y": "independent"}}),
         alt.vconcat(alt.layer(_rule(1.0), north).properties(title="North"), south)
         .properties(title="Two panels").resolve_scale(y="independent")),
        (vconcat(hconcat(north, south), hconcat(south, north), title=alt.TitleParams("Grid", subtitle="by segment")),
         alt.vconcat(alt.hconcat(north, south), alt.hconcat(south, north))
         .properties(title=alt.TitleParams("Grid", subtitle="by segment"))),
    ]
    for composed, by_altair in cases:
        assert top_level(composed) == by_altair.to_dict()


def test_days_without_data_are_a_band_under_the_chart():
    chart = _lines([1.0, 2.0])
    assert marking_days_without_data(chart, ()) == {k: v for k, v in chart.to_dict().items()
                                                    if k not in ("$schema", "config")}
    marked = top_level(marking_days_without_data(chart, ("2026-10-02",)))
    band, lines = marked["layer"]
    assert band["mark"]["type"] == "rect" and lines["mark"]["type"] == "line"
    assert marked["width"] == 300 and "width" not in lines  # Vega-Lite wants a layer's size on the layer
    [band_rows] = [rows for rows in marked["datasets"].values() if "start" in rows[0]]
    assert (band_rows[0]["start"], band_rows[0]["end"]) == ("2026-10-01T12:00:00", "2026-10-02T12:00:00")


def test_a_composition_vega_lite_does_not_allow_is_refused_by_name():
    with pytest.raises(ValueError, match="different widths"):
        layer(_lines([1.0, 2.0], width=300), _lines([1.0, 2.0], width=200))
    with pytest.raises(ValueError, match="not valid Vega-Lite"):
        top_level(vconcat(_lines([1.0, 2.0]), spacing="wide"))
    # a chart's configure_*() is read at the top of the page's chart only: not lost inside it
    with pytest.raises(ValueError, match="own configure"):
        layer(_lines([1.0, 2.0]).configure_axis(grid=False), _rule(1.0))
    configured = top_level(with_properties(layer(_lines([1.0, 2.0]), _rule(1.0)), config={"axis": {"grid": False}}))
    assert configured["config"] == {"axis": {"grid": False}}
