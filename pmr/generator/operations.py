"""The small operational sources, built for the whole window at once and written per
UK day: incidents, CSP test messages and Communications Hub firmware events.
(Outages are planned in events.py.)

The extract is taken at the end of the window: anything that would happen later
(an incident's closure, a hub's activation) is not in it yet. The Incident Management
Log is extracted as it changes: a day's file holds the incidents raised, responded to,
resolved or closed that day, each as it stood at the end of the day, so an incident
open for days is delivered several times and its latest row wins (the contract's rule).
"""

from __future__ import annotations

from pmr.generator.context import Context, read_seed, services, sql_str

H = 3_600_000
D = 86_400_000

# Incidents per 31 days by category (not scaled: the incident log is not per device).
INCIDENTS_PER_31_DAYS = {1: 1, 2: 1, 3: 12, 4: 25, 5: 40}
TITLES = [
    "Service Requests delayed", "Alerts not delivered", "Self-Service Interface slow", "SMKI certificate errors",
    "Firmware delivery failures", "Install and commission failures", "Top-up failures reported",
    "Registration data mismatch", "CSP connectivity degraded", "Reporting extract late",
]
CH_EVENTS_PER_DAY = 60_000  # hub firmware image deliveries a day at scale 1.0


def affected_service() -> str:
    """SQL: the service an outage's incident is raised against, from its component: the
    DCC User Interface when the component is one of its own (a DSP core or access
    control outage stops requests first), else the service the seed lists it under."""
    rows = read_seed("service_components.csv")
    dui = {r["component"] for r in rows if r["service"] == "dcc_user_interface"}
    first = {}
    for r in rows:
        first.setdefault(r["component"], r["service"])
    whens = " ".join(f"WHEN {sql_str(component)} THEN {sql_str('dcc_user_interface' if component in dui else service)}"
                     for component, service in sorted(first.items()))
    return f"CASE component {whens} END"


def build_incidents(ctx: Context) -> None:
    """Incidents: random ones by category, plus one per unplanned outage (Cat 2 for a
    national outage, Cat 3 for a regional one). Response and resolution mostly within
    the targets of seeds/incident_targets.csv (8% / 12% missed)."""
    targets = {int(r["category"]): r for r in read_seed("incident_targets.csv")}

    def target_case(kind: str) -> str:
        whens = []
        for cat, r in sorted(targets.items()):
            value, unit = float(r[f"{kind}_target"]), r[f"{kind}_unit"]
            # met: well inside; missed: Working Days stretched past any weekend/holiday run
            if unit == "hours":
                met, miss = f"{value * H!r} * (0.1 + 0.85 * u1)", f"{value * H!r} * (1.1 + 1.5 * u1)"
            else:
                met = f"{value * D!r} * (0.05 + 0.9 * u1)"
                miss = f"({value * 1.4 + 5!r} + {value * 0.5!r} * u1) * {D}"
            whens.append(f"WHEN {cat} THEN CASE WHEN miss THEN {miss} ELSE {met} END")
        return f"(CASE category {' '.join(whens)} END)::BIGINT"

    svc = "[" + ", ".join(sql_str(s) for s in services()) + "]"
    titles = "[" + ", ".join(sql_str(t) for t in TITLES) + "]"
    parties = "['CSP North', 'CSP Central', 'CSP South', 'User']"
    w0, w1, n = ctx.window_start_ms, ctx.window_end_ms, ctx.n_days
    counts = " UNION ALL ".join(
        f"SELECT {cat} AS category, i FROM range({max(1, round(c * n / 31)) if cat in (1, 3, 4, 5) else round(c * n / 31)}) r(i)"
        for cat, c in INCIDENTS_PER_31_DAYS.items()
    )
    ctx.con.execute(f"""
        CREATE TABLE incident_states AS
        WITH base AS (
            -- the UTC day raised in the id, as in outage ids: landings generated for other
            -- days into one folder must not share an id, or one would read as a later
            -- delivery of the other
            SELECT category, 'INC-' || strftime(epoch_ms(raised), '%Y%m%d') || '-R' || category || '-' || i AS iid,
                   h, raised, NULL::VARCHAR AS region, NULL::VARCHAR AS service, NULL::VARCHAR AS title
            FROM (SELECT category, i, hash({ctx.seed}, 601, category, i) AS h,
                         ({w0} + floor(rnd(hash({ctx.seed}, 601, category, i), 1) * {w1 - w0 - H}))::BIGINT AS raised
                  FROM ({counts}))
            UNION ALL
            SELECT CASE WHEN csp_region IS NULL THEN 2 ELSE 3 END, 'INC-' || outage_id, hash({ctx.seed}, 602, outage_id),
                   started_at + 120000 + floor(rnd(hash({ctx.seed}, 602, outage_id), 1) * 600000)::BIGINT,
                   csp_region, {affected_service()}, description
            FROM outages_all WHERE NOT planned AND started_at < {w1 - 15 * 60000}
        ),
        t AS (
            SELECT *, raised + {target_case('response').replace('u1', 'rnd(h, 3)').replace('miss', 'rnd(h, 2) < 0.08')} AS responded,
                      raised + {target_case('resolution').replace('u1', 'rnd(h, 5)').replace('miss', 'rnd(h, 4) < 0.12')} AS resolved
            FROM base
        ),
        t2 AS (
            SELECT * REPLACE (greatest(resolved, responded) AS resolved) FROM t
        ),
        c AS (
            SELECT *, resolved + (CASE WHEN rnd(h, 6) < 0.9 THEN {H} + floor(rnd(h, 7) * 3 * {D})
                                                   ELSE 3 * {D} + floor(rnd(h, 7) * 10 * {D}) END)::BIGINT AS closed
            FROM t2
        )
        SELECT iid AS incident_id, category, raised AS raised_at,
               CASE WHEN responded < {w1} THEN responded END AS responded_at,
               CASE WHEN resolved < {w1} THEN resolved END AS resolved_at,
               CASE WHEN closed < {w1} THEN closed END AS closed_at,
               CASE WHEN rnd(h, 8) < 0.8 OR category <= 2 THEN 'DCC' ELSE {parties}[1 + floor(rnd(h, 9) * 4)::INTEGER] END
                   AS responsible_party,
               coalesce(service, CASE WHEN rnd(h, 10) < 0.5 THEN {svc}[1 + floor(rnd(h, 11) * {len(services())})::INTEGER] END)
                   AS service,
               coalesce(region, CASE WHEN rnd(h, 12) < 0.2 THEN ['North', 'Central', 'South'][1 + floor(rnd(h, 13) * 3)::INTEGER] END)
                   AS csp_region,
               coalesce(title, {titles}[1 + floor(rnd(h, 14) * {len(TITLES)})::INTEGER]) AS title
        FROM c
    """)
    # One delivery per UK day on which the incident changed, as it stood at that day's end.
    ctx.con.execute("""
        CREATE TABLE incidents AS
        WITH changed AS (
            SELECT DISTINCT incident_id, change.day
            FROM incident_states,
                 unnest([ukday(raised_at), ukday(responded_at), ukday(resolved_at), ukday(closed_at)]) AS change(day)
            WHERE change.day IS NOT NULL
        )
        SELECT incident_id, category, raised_at,
               CASE WHEN ukday(responded_at) <= day THEN responded_at END AS responded_at,
               CASE WHEN ukday(resolved_at) <= day THEN resolved_at END AS resolved_at,
               CASE WHEN ukday(closed_at) <= day THEN closed_at END AS closed_at,
               responsible_party, service, csp_region, title, day
        FROM incident_states JOIN changed USING (incident_id)
    """)


def build_test_messages(ctx: Context) -> None:
    """A CSP test command per region every 5 minutes (+ jitter); RTT a few seconds
    (North, long-range radio, a little slower); 0.5% unanswered; during an outage of
    that region 50% unanswered and the rest three times slower."""
    n_slots = (ctx.window_end_ms - ctx.window_start_ms) // 300_000
    ctx.con.execute(f"""
        CREATE TABLE csp_tests AS
        WITH s AS (
            SELECT g, {ctx.window_start_ms} + i * 300000 + floor(rnd(hash({ctx.seed}, 701, g, i), 1) * 240000)::BIGINT AS sent_at,
                   hash({ctx.seed}, 701, g, i) AS k
            FROM range({n_slots}) r(i), (SELECT unnest([0, 1, 2]) AS g)
        ),
        o AS (
            SELECT s.*, EXISTS (SELECT 1 FROM outages_all x WHERE x.g = s.g AND NOT x.planned
                                AND s.sent_at >= x.started_at AND s.sent_at < coalesce(x.ended_at, {ctx.window_end_ms}))
                   AS down
            FROM s
        )
        SELECT ['North', 'Central', 'South'][g + 1] AS csp_region, sent_at,
               CASE WHEN rnd(k, 2) < (CASE WHEN down THEN 0.5 ELSE 0.005 END) THEN NULL
                    ELSE ((CASE WHEN g = 0 THEN 3200 ELSE 2400 END) * (CASE WHEN down THEN 3 ELSE 1 END)
                          * exp(0.35 * nrm(k, 3)))::BIGINT END AS rtt_ms,
               ukday(sent_at) AS day
        FROM o
    """)


def build_ch_firmware(ctx: Context) -> None:
    """Hub firmware: image_delivered (96%) or delivery_failed; a delivered image is then
    activated (97%) or activation_failed 2 h - 3 days later. SMETS2 hubs only."""
    w1 = ctx.window_end_ms
    smets2 = {g: n for g, n in ctx.premises.items() if g < 3}
    total = sum(smets2.values())
    per_day = CH_EVENTS_PER_DAY * ctx.scale
    per_seg = ", ".join(f"({g}, {per_day * n / total!r})" for g, n in smets2.items())
    ctx.con.execute(f"""
        CREATE TABLE ch_events AS
        WITH n AS (
            SELECT g, d, start_ms, end_ms, floor(rate + rnd(hash({ctx.seed}, 801, g, d), 0))::BIGINT AS n
            FROM days, (VALUES {per_seg}) v(g, rate)
        ),
        e AS (
            SELECT g, d, j, hash({ctx.seed}, 802, g, d, j) AS k,
                   start_ms + floor(rnd(hash({ctx.seed}, 802, g, d, j), 1) * (end_ms - start_ms))::BIGINT AS t
            FROM n, range(n.n) r(j)
        ),
        x AS (
            SELECT *, devid(g, floor(rnd(k, 2) * {ctx.premises_count('g')})::BIGINT, 'CHF') AS ch_id,
                   ['North', 'Central', 'South'][g + 1] AS csp_region,
                   ['4.2.1', '4.3.0', '5.0.2'][1 + ((d // 14 + g) % 3)::INTEGER] AS firmware_version,
                   rnd(k, 3) < 0.96 AS ok, t + 2 * {H} + floor(rnd(k, 4) * 70 * {H})::BIGINT AS t2
            FROM e
        )
        SELECT ch_id, csp_region, firmware_version, CASE WHEN ok THEN 'image_delivered' ELSE 'delivery_failed' END AS event,
               t AS event_at, ukday(t) AS day
        FROM x
        UNION ALL
        SELECT ch_id, csp_region, firmware_version, CASE WHEN rnd(k, 5) < 0.97 THEN 'activated' ELSE 'activation_failed' END,
               t2, ukday(t2)
        FROM x WHERE ok AND t2 < {w1}
    """)
