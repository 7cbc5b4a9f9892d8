"""The daily line charts: a line breaks on a day without a figure instead of joining
the days either side, and the segments differ in point shape as well as colour."""

import datetime as dt

import pandas as pd


def test_a_daily_line_breaks_on_a_day_without_a_figure():
    """North has no figure on 2 October (no requests): the chart's data holds a row of no
    value there, where Vega-Lite breaks the line, instead of joining 1 and 3 October; a
    line is not drawn out to days before its first figure or after its last."""
    from reports.charts import daily_lines

    data = pd.DataFrame({"day": [dt.datetime(2026, 10, d) for d in (1, 3, 1, 2, 3, 4)],
                         "segment": ["North", "North", "South", "South", "South", "South"],
                         "value": [1.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    rows = next(iter(daily_lines(data, "x").to_dict()["datasets"].values()))
    drawn = {(r["segment"], r["day"][:10]): r["value"] for r in rows}
    assert drawn == {("North", "2026-10-01"): 1.0, ("North", "2026-10-02"): None, ("North", "2026-10-03"): 3.0,
                     ("North", "2026-10-04"): None, ("South", "2026-10-01"): 4.0, ("South", "2026-10-02"): 5.0,
                     ("South", "2026-10-03"): 6.0, ("South", "2026-10-04"): 7.0}


def _channel_scales(spec: dict) -> list[tuple[str, dict]]:
    """Every (channel, scale) of a chart spec's segment encodings, layers and
    concatenations included."""
    found = []
    for key, value in spec.items():
        if key == "encoding":
            found += [(channel, enc.get("scale", {})) for channel, enc in value.items()
                      if isinstance(enc, dict) and enc.get("field") == "segment" and channel in ("color", "shape")]
        elif isinstance(value, dict):
            found += _channel_scales(value)
        elif isinstance(value, list):
            found += [item for v in value if isinstance(v, dict) for item in _channel_scales(v)]
    return found


def test_segments_differ_in_point_shape_as_well_as_colour():
    """A reader who cannot tell the colours apart (or prints in grey) tells the segment
    lines apart by their points: the daily lines and the two-RTT panel encode the segment
    as a colour and a shape, each segment its own of both, and one legend shows both
    (same title)."""
    from reports.charts import daily_lines, top_level
    from reports.sections.rsvp import _rtt_panel

    segments = ["North", "Central", "South", "SMETS1", "All"]
    data = pd.DataFrame({"day": [dt.datetime(2026, 10, 1)] * 5, "segment": segments, "value": [1.0] * 5})
    for chart in (daily_lines(data, "x"), _rtt_panel(data, data.assign(value=0.5))):
        scales = _channel_scales(top_level(chart))
        channels = {channel for channel, _ in scales}
        assert channels == {"color", "shape"}
        for channel, scale in scales:
            assert scale["domain"] == segments
            assert len(set(scale["range"])) == 5, channel
