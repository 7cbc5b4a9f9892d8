"""Requirement 1: RSVP per business process, in the layout of the seed's
illustrative table (segments as columns), with daily line graphs of the average RTT
(and the interim HAN-free time), the median RTT, the share within the Target Response
Time, the share failed and the volume per segment."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from reports.charts import (SEGMENT_ORDER, TOOLTIP_NUMBER, by_day_and_segment, daily_axes, daily_lines,
                            figures_table, layer, level_names, level_rules, marking_days_without_data,
                            segment_channels, vconcat)
from reports.format import esc, links_within, number, status, table
from reports.sections import Section, ids


# The rsvp.* figures the monthly table shows (rsvp.<name>)
RSVP_FIGURES = ("mean_rtt_s", "median_rtt_s", "min_rtt_s", "max_rtt_s", "pct_within_trt", "volume", "rejected",
                "pct_failed", "mean_rtt_excl_han_s")


def _monthly_table(ctx, process: str, name: str, segments: list[str], measured_on: str) -> str:
    def cell(name, segment, unit):
        return number(ctx.value(f"rsvp.{name}", business_process=process, segment=segment), unit)

    def range_cell(segment):
        low = ctx.value("rsvp.min_rtt_s", business_process=process, segment=segment)
        high = ctx.value("rsvp.max_rtt_s", business_process=process, segment=segment)
        return "–" if low is None else f"{number(low, 's')} – {number(high, 's')}"

    target = ctx.metric("rsvp.pct_within_trt", business_process=process)
    levels, against_levels = "", []
    if not target.empty and pd.notna(target["target"].iloc[0]):
        goal, floor = float(target["target"].iloc[0]), float(target["minimum"].iloc[0])
        levels = f" (target {number(goal, 'pct')}, minimum {number(floor, 'pct')})"
        against_levels = [["  … against the service levels"] + [status(
            ctx.value("rsvp.pct_within_trt", business_process=process, segment=s), goal, floor) for s in segments]]
    # the seed's Table 2 wording, for alerts in their own words
    answers, asked = ("Service Responses", "Service Requests") if measured_on == "requests" else ("Alerts", "Alerts")
    rows = [
        ["Average RTT (s)"] + [cell("mean_rtt_s", s, "s") for s in segments],
        ["Median RTT (s)"] + [cell("median_rtt_s", s, "s") for s in segments],
        ["Range of RTT, shortest – longest (s)"] + [range_cell(s) for s in segments],
        [f"{answers} delivered within the Target Response Time" + levels] + [cell("pct_within_trt", s, "pct") for s in segments],
        *against_levels,
        ["Volumes"] + [cell("volume", s, "count") for s in segments],
        [f"{asked} that failed to be delivered"] + [cell("pct_failed", s, "pct") for s in segments],
    ]
    if measured_on == "requests":  # an alert is never rejected and has no HAN-free time
        rows.insert(-1, ["Rejected at the DCC boundary"] + [cell("rejected", s, "count") for s in segments])
        rows.append(["Average RTT excluding the HAN, interim (s)"]
                    + [cell("mean_rtt_excl_han_s", s, "s") for s in segments])
    return table(["Monthly performance"] + segments, rows, caption=f"{name}: monthly performance by segment")


# the average counts as far above the median from this ratio on
MEAN_FAR_ABOVE_MEDIAN = 10


def _srv_key(srv: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in srv.split("."))


def _duration(seconds: float) -> str:
    text = f"{seconds:,.0f} s"
    if seconds >= 86_400 and seconds % 86_400 == 0:
        days = int(seconds // 86_400)
        text += f" ({days} day{'' if days == 1 else 's'})"
    return text


def _target_times_note(ctx, process: str) -> str:
    """A note under the table of a process whose SRVs have different Target Response
    Times (reference.srv_catalogue), or a different one on SMETS1 devices: the RTTs of
    the SRVs with a long target lift the average and the longest far above the median.
    Empty when they all share one."""
    srvs = ctx.query(
        """select srvs.srv, catalogue.name, catalogue.trt_s, catalogue.smets1_trt_s
           from reference.business_process_srvs srvs
           join reference.srv_catalogue catalogue using (srv)
           where srvs.business_process = ?""",
        [process],
    )
    smets1 = srvs[srvs["smets1_trt_s"].notna() & (srvs["smets1_trt_s"] != srvs["trt_s"])]
    if srvs["trt_s"].nunique() < 2 and smets1.empty:
        return ""
    differ = srvs["trt_s"].nunique() > 1
    note = ((f"Target Response Times differ between the SRVs of this process: {_by_target(srvs, 'trt_s')}."
             if differ else f"The Target Response Time of this process's SRVs is {_by_target(srvs, 'trt_s')}.")
            + (f" On SMETS1 devices: {_by_target(smets1, 'smets1_trt_s')}." if not smets1.empty else "")
            + " The share within the Target Response Time compares each request with the target of its own SRV"
            + (" and device." if not smets1.empty else "."))
    mean = ctx.value("rsvp.mean_rtt_s", business_process=process, segment="All")
    median = ctx.value("rsvp.median_rtt_s", business_process=process, segment="All")
    if mean is not None and median and mean >= MEAN_FAR_ABOVE_MEDIAN * median:
        note += (f" The average RTT ({number(mean, 's')} s, all segments) is far above the median "
                 f"({number(median, 's')} s): a few very long round trips lift the average and the longest RTT, "
                 "and the SRVs with the longer target allow far longer round trips than the others. The median "
                 "shows the typical request.")
    return f'<p class="note">{esc(note)}</p>'


def _without_dsp_time_note(ctx, process: str) -> str:
    """A note under the table when some of the month's requests behind the interim time
    excluding the HAN (the three regions) have no DSP processing time, an optional
    column of the extract: its mean is over those that have one. Empty otherwise."""
    counts = ctx.query(
        """select segment, without_dsp_time, rtt_measured from marts.pmr_rsvp
           where business_process = ? and day is null and segment in ('North', 'Central', 'South')
             and without_dsp_time > 0""",
        [process],
    ).set_index("segment")
    regions = [s for s in SEGMENT_ORDER if s in counts.index]
    if not regions:
        return ""
    listed = "; ".join(
        f"{region} {number(counts.at[region, 'without_dsp_time'], 'count')} of "
        f"{number(counts.at[region, 'rtt_measured'], 'count')} "
        f"({number(100.0 * counts.at[region, 'without_dsp_time'] / counts.at[region, 'rtt_measured'], 'pct')})"
        for region in regions)
    return ('<p class="note">Requests with a final response but no DSP processing time in the extract: '
            f"{listed} (marts.pmr_rsvp: without_dsp_time of rtt_measured). The interim time excluding the HAN "
            "averages the DSP's time over the others.</p>")


def _by_target(srvs: pd.DataFrame, column: str) -> str:
    """The SRVs of `srvs` grouped by their target in `column`, shortest first: "30 s for
    1.1.1, 1.6; 432,000 s (5 days) for 11.1 (Update Firmware)" (a lone SRV with its name)."""
    groups = []
    for trt_s, rows in sorted(srvs.groupby(column), key=lambda group: group[0]):
        names = sorted(set(zip(rows["srv"], rows["name"])), key=lambda pair: _srv_key(pair[0]))
        listed = ", ".join(srv if len(names) > 1 else f"{srv} ({name})" for srv, name in names)
        groups.append(f"{_duration(float(trt_s))} for {listed}")
    return "; ".join(groups)


# the two average RTTs of the daily chart: the measured one and the interim HAN-free one
WITH_HAN, WITHOUT_HAN = "including the HAN", "excluding the HAN (interim)"


def _rtt_panel(rtt: pd.DataFrame, han_free: pd.DataFrame) -> alt.Chart | dict:
    """The average RTT per segment, and for requests the interim HAN-free time beside it
    (dashed; seed section 2.3.1 asks for both). Alerts have no HAN-free time."""
    if han_free.empty:
        return daily_lines(rtt, "Average RTT (s)")
    axes = daily_axes(pd.concat([rtt.assign(rtt=WITH_HAN), han_free.assign(rtt=WITHOUT_HAN)]), "Average RTT (s)")
    tooltip = [alt.Tooltip("day:T", format="%a %d %b %Y"), alt.Tooltip("segment:N"), alt.Tooltip("rtt:N", title="RTT"),
               alt.Tooltip("value:Q", format=TOOLTIP_NUMBER, title="seconds")]
    # the points as a layer of their own: drawn on the dashed lines, they leave the
    # dash legend with no symbol
    return layer(
        axes.mark_line().encode(
            strokeDash=alt.StrokeDash("rtt:N", title="Average RTT", sort=[WITH_HAN, WITHOUT_HAN],
                                      legend=alt.Legend(symbolType="stroke", symbolStrokeColor="#444444",
                                                        symbolStrokeWidth=2)),
            tooltip=tooltip),
        axes.mark_point(filled=True).encode(shape=segment_channels()["shape"], tooltip=tooltip),
    )


def _within_target_panel(within: pd.DataFrame, target: float | None, minimum: float | None) -> dict:
    """The daily share within the Target Response Time, on an axis that starts just
    below the lowest point or the minimum (on 0-100 every line lay flat at the top), with
    the target and minimum as named red rules."""
    levels = [value for value in (target, minimum) if value is not None]
    low = min([float(within["value"].min())] + levels) if not within.empty else 0.0
    scale = alt.Scale(domain=[max(0.0, math.floor(low - 1)), 100.0], clamp=True)
    layers = [daily_lines(within, "Within the TRT (%)").encode(y=alt.Y("value:Q", title="Within the TRT (%)",
                                                                        scale=scale))]
    levels = {f"{label} {number(value, 'pct')}": value for label, value in (("target", target), ("minimum", minimum))
              if value is not None}
    if levels:
        layers = [level_rules(levels, scale), *layers, level_names(levels, scale)]
    return layer(*layers)


def _daily_chart(ctx, charts, process: str, title: str) -> str:
    """Daily lines per segment (seed section 2.3.2: a line graph with daily data points;
    speed as a mean and a median): the average RTT (with the interim HAN-free time), the
    median RTT, the share within the Target Response Time (the measure) against its
    levels, the share failed (Payload) and the volume."""
    daily = ctx.metrics[(ctx.metrics["business_process"] == process) & ctx.metrics["day"].notna()]

    def series(name: str) -> pd.DataFrame:
        return daily[daily["metric_id"] == f"rsvp.{name}"][["day", "segment", "value"]]

    volume = series("volume")
    if volume.empty:
        return ""
    levels = ctx.metric("rsvp.pct_within_trt", business_process=process, day=None)
    levels = levels[levels["target"].notna()]
    target, minimum = ((float(levels["target"].iloc[0]), float(levels["minimum"].iloc[0])) if not levels.empty
                       else (None, None))
    panels = [
        _rtt_panel(series("mean_rtt_s"), series("mean_rtt_excl_han_s")),
        daily_lines(series("median_rtt_s").assign(figure="median RTT"), "Median RTT (s)"),
        _within_target_panel(series("pct_within_trt"), target, minimum),
        daily_lines(series("pct_failed").assign(figure="failed"), "Failed (%)"),
        daily_lines(volume, "Volume"),
    ]
    chart = vconcat(*(marking_days_without_data(panel, ctx.days_without_data) for panel in panels),
                    title=f"{title}: daily average and median RTT, share within the Target Response Time, share "
                          "failed and volume by segment")
    han_free = " (with the interim time excluding the HAN)" if not series("mean_rtt_excl_han_s").empty else ""
    return charts.embed(chart, f"{title}: daily average round-trip time{han_free}, median round-trip time, share "
                               "delivered within the Target Response Time against its levels, share failed (Payload) "
                               "and volume per segment, each segment a colour and a point shape",
                        daily_figures(daily, title, with_han_free=bool(han_free)))


def daily_figures(daily: pd.DataFrame, title: str, with_han_free: bool) -> str:
    """The daily chart's figures (`daily`: the process's rows of metrics.csv with a
    day), a row per UK day and segment."""
    headers = {"mean_rtt_s": "Average RTT (s)", "mean_rtt_excl_han_s": "Average RTT excluding the HAN, interim (s)",
               "median_rtt_s": "Median RTT (s)", "pct_within_trt": "Within the TRT (%)", "pct_failed": "Failed (%)",
               "volume": "Volume"}
    if not with_han_free:
        del headers["mean_rtt_excl_han_s"]
    drawn = daily[daily["metric_id"].isin([f"rsvp.{name}" for name in headers])]
    rows = by_day_and_segment(drawn.assign(figure=drawn["metric_id"].str.removeprefix("rsvp."))[
        ["day", "segment", "figure", "value"]], headers)
    units = {header: ("pct" if name.startswith("pct_") else "count" if name == "volume" else None)
             for name, header in headers.items()}
    return figures_table(rows, units, f"{title}: daily figures by segment")


def render(ctx, charts) -> str:
    processes = ctx.query(
        "select business_process, display_name, measured_on from reference.business_processes order by display_order"
    )
    parts = [
        "<p>Rate, Speed, Volume and Payload per business process (MP122 requirements, Figure 1). A request "
        "counts in every process whose list holds its SRV; Transform requests (command variant 4) are not "
        "counted. RTT is measured from receipt (or execution time for Future-Dated and DCC-Scheduled requests) "
        "to the final response, over deliverable requests with a final response. Figures are indicators except "
        "the share within the Target Response Time, which is a measure. The interim time excluding the HAN is "
        "the DSP's processing time plus the region's mean CSP test-message round trip (metrics definitions "
        "v1); for Non-Device requests, which never cross the HAN, it adds a round trip they do not make, so it "
        "can exceed their RTT.</p>"
    ]
    present = {p["business_process"]: set(ctx.metric("rsvp.volume", business_process=p["business_process"],
                                                     day=None)["segment"]) for _, p in processes.iterrows()}
    shown = [p for _, p in processes.iterrows() if present[p["business_process"]]]
    parts.append(links_within([(f"rsvp-{p['business_process']}", p["display_name"]) for p in shown]))
    for process in shown:
        key, name = process["business_process"], process["display_name"]
        segments = [s for s in SEGMENT_ORDER if s in present[key]]
        parts.append(f'<section class="process" id="rsvp-{esc(key)}"><h3>{esc(name)}</h3>')
        parts.append(_monthly_table(ctx, key, name, segments, process["measured_on"]))
        parts.append(_target_times_note(ctx, key))
        if process["measured_on"] == "requests":
            parts.append(_without_dsp_time_note(ctx, key))
        parts.append(_daily_chart(ctx, charts, key, name))
        parts.append("</section>")
    return "".join(parts)


SECTION = Section("rsvp", "Requirement 1: service performance by business process (RSVP)", ids(*(f"rsvp.{name}" for name in RSVP_FIGURES)), render)
