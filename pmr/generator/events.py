"""Injected events of the window, planned before any traffic is generated:
outages (planned and unplanned, national and regional), the traffic-drop spells they
cause, alert storms and degraded install days. All in SQL from seeded hashes.

Counts are per 31 days (events do not scale with traffic): planned maintenance 5,
national unplanned outages 4, regional unplanned outages 5 (each 30-180 min, at
varied times of day), alert storms 3, degraded install days 3; at least one of each
in any window. Also 3 service_responses files per 31 days are delivered twice.
"""

from __future__ import annotations

from pmr.generator.context import Context, components, sql_str

DUI_SEGMENTS = (0, 1, 2, 3)


def _per_window(ctx: Context, per_31_days: float) -> int:
    return max(1, round(per_31_days * ctx.n_days / 31))


def plan_events(ctx: Context) -> None:
    con, seed, n = ctx.con, ctx.seed, ctx.n_days
    every, dui = components()
    every_sql = "[" + ", ".join(sql_str(c) for c in every) + "]"
    dui_sql = "[" + ", ".join(sql_str(c) for c in dui) + "]"
    quiet = [c for c in every if c not in dui]
    quiet_sql = "[" + ", ".join(sql_str(c) for c in quiet) + "]"
    w0, w1 = ctx.window_start_ms, ctx.window_end_ms
    n_reg, n_nat, n_pl = _per_window(ctx, 5), _per_window(ctx, 4), _per_window(ctx, 5)
    ymd = "strftime(epoch_ms(started_at), '%Y%m%d')"

    # Regional unplanned outages: one per sub-window, hour of day stepping by ~7 h.
    con.execute(f"""
        CREATE TABLE out_reg AS
        WITH k AS (SELECT k, hash({seed}, 501, k) AS h FROM range({n_reg}) r(k)),
        x AS (
            SELECT k, h,
                   least({n - 1}, floor(k * {n} / {n_reg} + rnd(h, 1) * {n} / {n_reg}))::INTEGER AS d,
                   ((k * 7 + floor(rnd(h, 2) * 5)) % 22 + 0.5 + rnd(h, 3)) AS hour,
                   round(30 + 150 * pow(rnd(h, 4), 1.3)) AS dur_min,
                   ((k + floor(rnd(h, 5) * 3)) % 3)::INTEGER AS g
            FROM k
        ),
        y AS (
            SELECT x.*, least(days.start_ms + (hour * 3600000)::BIGINT,
                              {w1} - (dur_min * 60000)::BIGINT - 60000) // 1000 * 1000 AS s
            FROM x JOIN days USING (d)
        )
        SELECT k, g, greatest({w0}, s) AS started_at, greatest({w0}, s) + (dur_min * 60000)::BIGINT AS ended_at,
               {dui_sql}[1 + floor(rnd(h, 6) * {len(dui)})::INTEGER] AS component,
               0.05 + 0.15 * rnd(h, 7) AS factor
        FROM y
    """)
    # National unplanned outages anywhere in the window, 10 min - 3 h, any component.
    con.execute(f"""
        CREATE TABLE out_nat AS
        WITH k AS (SELECT k, hash({seed}, 502, k) AS h FROM range({n_nat}) r(k))
        SELECT k, s AS started_at, s + (round(10 + 170 * pow(rnd(h, 2), 1.5)) * 60000)::BIGINT AS ended_at,
               {every_sql}[1 + floor(rnd(h, 3) * {len(every)})::INTEGER] AS component,
               0.05 + 0.15 * rnd(h, 4) AS factor
        FROM (SELECT k, h, ({w0} + floor(rnd(h, 1) * greatest(0, {w1 - w0 - 4 * 3600000})))::BIGINT
                           // 1000 * 1000 AS s FROM k)
    """)
    # Planned maintenance at night (20:00-00:00 start); every fifth on dsp_core and long,
    # so a service's planned total can pass the 6-hour cap.
    con.execute(f"""
        CREATE TABLE out_pl AS
        WITH k AS (SELECT k, hash({seed}, 503, k) AS h FROM range({n_pl}) r(k)),
        x AS (
            SELECT k, h, least({n - 1}, floor(k * {n} / {n_pl} + rnd(h, 1) * {n} / {n_pl}))::INTEGER AS d,
                   CASE WHEN k % 5 = 0 THEN 'dsp_core'
                        ELSE {every_sql}[1 + floor(rnd(h, 2) * {len(every)})::INTEGER] END AS component,
                   CASE WHEN k % 5 = 0 THEN round(240 + 160 * rnd(h, 3)) ELSE round(60 + 180 * rnd(h, 3)) END AS dur_min,
                   20 + floor(rnd(h, 4) * 16) / 4 AS hour
            FROM k
        )
        SELECT k, component, days.start_ms + (hour * 3600000)::BIGINT AS started_at,
               days.start_ms + (hour * 3600000)::BIGINT + (dur_min * 60000)::BIGINT AS ended_at
        FROM x JOIN days USING (d)
    """)
    open_one = f"rnd(hash({seed}, 504), 1) < 0.5"
    con.execute(f"""
        CREATE TABLE outages_all AS
        SELECT 'OUT-' || strftime(epoch_ms(started_at), '%Y%m%d') || '-R' || k AS outage_id, component,
               started_at, ended_at, false AS planned, ['North','Central','South'][g + 1] AS csp_region,
               'Unplanned: loss of service for CSP ' || ['North','Central','South'][g + 1] || ' Users ('
                   || component || ')' AS description, g, factor, true AS depresses
        FROM out_reg
        UNION ALL
        SELECT 'OUT-' || {ymd} || '-U' || k, component, started_at, ended_at, false, NULL,
               'Unplanned: ' || component || ' unavailable', NULL, factor, list_contains({dui_sql}, component)
        FROM out_nat
        UNION ALL
        SELECT 'OUT-' || {ymd} || '-P' || k, component, started_at, ended_at, true, NULL,
               'Planned Maintenance: ' || component || ' release', NULL, NULL, false
        FROM out_pl
        UNION ALL
        SELECT 'OUT-' || {ymd} || '-X0', component, started_at, NULL, false, NULL,
               'Unplanned: ' || component || ' degraded, under investigation', NULL, NULL, false
        FROM (SELECT {quiet_sql}[1 + floor(rnd(hash({seed}, 504), 2) * {len(quiet)})::INTEGER] AS component,
                     ({w1} - (30 + floor(rnd(hash({seed}, 504), 3) * 270)) * 60000)::BIGINT AS started_at)
        WHERE {open_one}
    """)
    # An outage still running at the end of the window has no end yet.
    con.execute(f"UPDATE outages_all SET ended_at = NULL WHERE ended_at >= {w1}")
    # The outage log is extracted daily: an outage running past midnight is delivered
    # ongoing (no end) on its first day, then again with its end on the day it ended.
    con.execute("""
        CREATE TABLE outages AS
        SELECT outage_id, component, started_at, ended_at, planned, csp_region, description,
               coalesce(ukday(ended_at), ukday(started_at)) AS day
        FROM outages_all
        UNION ALL
        SELECT outage_id, component, started_at, NULL, planned, csp_region, description, ukday(started_at)
        FROM outages_all WHERE ukday(ended_at) > ukday(started_at)
    """)
    # Spells where request traffic is depressed: regional outages in their region,
    # national outages of a DCC User Interface component in every segment.
    con.execute(f"""
        CREATE TABLE spells AS
        SELECT outage_id, g, started_at AS start_ms, coalesce(ended_at, {w1}) AS end_ms, factor
        FROM outages_all WHERE depresses AND g IS NOT NULL
        UNION ALL
        SELECT outage_id, s.g, started_at, coalesce(ended_at, {w1}), factor
        FROM outages_all, (SELECT unnest({list(DUI_SEGMENTS)}) AS g) s
        WHERE depresses AND outages_all.g IS NULL
    """)
    _plan_storms(ctx)
    _plan_degraded_days(ctx)
    _plan_resent_days(ctx)


def _plan_storms(ctx: Context) -> None:
    seed, w0, w1 = ctx.seed, ctx.window_start_ms, ctx.window_end_ms
    n = _per_window(ctx, 3)
    ctx.con.execute(f"""
        CREATE TABLE storms AS
        WITH k AS (SELECT k, hash({seed}, 505, k) AS h FROM range({n}) r(k)),
        x AS (
            SELECT k, h, floor(rnd(h, 1) * 4)::INTEGER AS g,
                   ({w0} + floor(rnd(h, 2) * greatest(0, {w1 - w0 - 2 * 3600000})))::BIGINT // 1000 * 1000 AS s,
                   round(15 + 45 * rnd(h, 3)) AS dur_min
            FROM k
        )
        -- named by the first day of this call too: storms of another call into the same landing differ
        SELECT 'STORM-{ctx.start:%Y%m%d}-' || k AS storm_id, g, s AS start_ms, s + (dur_min * 60000)::BIGINT AS end_ms,
               6 + 6 * rnd(h, 4) AS mult, ['8F3E', '8F66', '8F0A', '8F84'][1 + floor(rnd(h, 5) * 4)::INTEGER] AS code
        FROM x
    """)


def _plan_degraded_days(ctx: Context) -> None:
    seed = ctx.seed
    n = _per_window(ctx, 3)
    ctx.con.execute(f"""
        CREATE TABLE degraded AS
        SELECT d, floor(rnd(hash({seed}, 506, d), 1) * 3)::INTEGER AS g,
               round(1 - (0.4 + 0.3 * rnd(hash({seed}, 506, d), 2)), 3) AS factor
        FROM days WHERE working
        ORDER BY hash({seed}, 506, d) LIMIT {n}
    """)


def _plan_resent_days(ctx: Context) -> None:
    """Days whose service_responses file is delivered twice (pmr.generator.writer.resent_path):
    3 per 31 days, none in a window shorter than 6 days."""
    ctx.con.execute(f"""
        CREATE TABLE resent_days AS
        SELECT d FROM days ORDER BY hash({ctx.seed}, 507, d) LIMIT {round(3 * ctx.n_days / 31)}
    """)


def depression_case(ctx: Context, day_start: int, day_end: int, t: str, g: str) -> str:
    """SQL factor (0-1] by which request traffic of segment `g` at time `t` is depressed."""
    rows = ctx.con.execute(
        f"SELECT g, start_ms, end_ms, factor FROM spells WHERE end_ms > {day_start} AND start_ms < {day_end} "
        "ORDER BY start_ms, g"
    ).fetchall()
    if not rows:
        return "1.0"
    whens = " ".join(f"WHEN {g} = {sg} AND {t} >= {a} AND {t} < {b} THEN {f!r}" for sg, a, b, f in rows)
    return f"(CASE {whens} ELSE 1.0 END)"

