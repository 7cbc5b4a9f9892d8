"""Alerts.

- Background: ~52M a day at scale 1.0 (device alerts with assorted GBCS hex codes, ~5%
  DCC alert N24), a mild daily cycle, devices drawn from the stable population,
  sent to the device's supplier. Written straight from the generating SELECT.
- Alert storms: for tens of minutes one segment raises 6-12x its usual alerts of one
  code; 93% of them are suppressed (never sent).
- Power outages: a block of neighbouring premises loses power; each hub raises AD1 (to
  the network operator) and, at restoration, each electricity meter 8F36 (outage of 3
  minutes or more) or 8F35 (to the supplier).
- Firmware: 8F72 (verified) or 8F1C (failed) from the device after an 11.1, naming it.

Delivery: mostly within a few seconds, ~1% after more than 60 s, 0.15% never. A day's
file is the extract taken at the end of that UK day: an alert sent after it is in the
file unsent (delivered_at null) and again in the next day's file, sent (`sent_later`).
"""

from __future__ import annotations

from pmr.generator.context import Batch, Context, Day, weighted_case
from pmr.generator.enums import REGION_OF_SEGMENT, SMETS_OF_SEGMENT
from pmr.generator.outcomes import LATEST_DELIVERY_MS, delivery
from pmr.generator.requests import STREAMS, expanded
from pmr.generator.writer import internal_columns

DEVICE_CODES = [
    ("'8F0A'", 14), ("'8F12'", 11), ("'8F01'", 9), ("'8F20'", 8), ("'8F33'", 7), ("'8F3E'", 7), ("'8F66'", 6),
    ("'8F84'", 5), ("'8F19'", 5), ("'8F29'", 4), ("'8F43'", 4), ("'8F63'", 3), ("'8F8E'", 3), ("'8014'", 3),
    ("'8016'", 2), ("'801A'", 2), ("'8002'", 2),
]
DEVICE_TYPES = [("'ESME'", 55), ("'GSME'", 20), ("'CHF'", 15), ("'IHD'", 4), ("'PPMID'", 3), ("'GPF'", 3)]
POWER_EVENTS_PER_DAY = 3000  # national, scale 1.0


def _alert_row(alert_id: str, code: str, kind: str, dt: str, user: str, request_id: str, at: str,
               delivered: str, suppressed: str, tag: str = "NULL::VARCHAR", day: str | None = None) -> str:
    return (f"{alert_id} AS alert_id, ({code})::e_alert_code AS alert_code, ({kind})::e_alert_kind AS alert_kind, "
            f"devid(g, p, {dt}) AS device_id, ({dt})::e_device_type AS device_type, "
            f"{SMETS_OF_SEGMENT} AS smets, {REGION_OF_SEGMENT} AS csp_region, ({user})::e_user_id AS user_id, "
            f"{request_id} AS request_id, "
            f"{at} AS received_at, {delivered} AS delivered_at, {suppressed} AS suppressed, {day or f'ukday({at})'} AS day, "
            f"{tag} AS tag")


def background_alerts(ctx: Context, day: Day, sent_after_the_day: bool = False) -> str:
    """SELECT of one day's background alerts (table cnt must hold the day's batch), or
    only those of its last minutes, the ones that can be sent after the day ends."""
    from_ms = day.end_ms - LATEST_DELIVERY_MS - 60000 if sent_after_the_day else None
    dt = weighted_case("rnd(k, 3)", DEVICE_TYPES)
    code = weighted_case("rnd(k, 5)", DEVICE_CODES)
    return f"""
        SELECT {_alert_row("sid", "CASE WHEN dcc THEN 'N24' ELSE code END",
                           "CASE WHEN dcc THEN 'dcc' ELSE 'device' END", 'dt', 'supplier(g, p, dt)', 'NULL::VARCHAR',
                           't', delivery('k', 't'), 'false', day=str(day.idx))}
        FROM (
            SELECT *, CASE WHEN dt0 IN ('GSME', 'GPF') AND NOT hasgas(g, p) THEN 'ESME' ELSE dt0 END AS dt
            FROM (SELECT *, {dt} AS dt0, {code} AS code, rnd(k, 4) < 0.05 AS dcc
                  FROM {expanded(ctx, STREAMS['alerts'], day.idx, from_ms)})
        )
    """


def storm_alerts(ctx: Context, batch: Batch, per_min: dict[int, float]) -> str:
    """SELECT of the alerts of storms overlapping the batch (per_min: usual alerts per minute by segment)."""
    rate = "(CASE g " + " ".join(f"WHEN {g} THEN {r!r}" for g, r in per_min.items()) + " END)"
    lo, hi = batch.start_ms, batch.end_ms
    return f"""
        SELECT {_alert_row(f"storm_id || '-{batch.d0 + ctx.day_base}-' || j", 'code', "'device'", "'ESME'",
                           "supplier(g, p, 'ESME')", 'NULL::VARCHAR', 't',
                           f"CASE WHEN rnd(k, 8) < 0.93 THEN NULL ELSE {delivery('k', 't')} END",
                           'rnd(k, 8) < 0.93', 'storm_id')}
        FROM (
            SELECT *, a + floor(rnd(k, 1) * (b - a))::BIGINT AS t, floor(rnd(k, 2) * {ctx.premises_count('g')})::BIGINT AS p
            FROM (
                SELECT storm_id, g, code, a, b, j, hash({ctx.seed}, 31, storm_id, j) AS k
                FROM (SELECT *, greatest(start_ms, {lo}) AS a, least(end_ms, {hi}) AS b,
                             round(mult * {rate} * (least(end_ms, {hi}) - greatest(start_ms, {lo})) / 60000.0)::BIGINT AS n
                      FROM storms WHERE end_ms > {lo} AND start_ms < {hi}),
                     range(n) r(j)
            )
        )
    """


def power_outage_alerts(ctx: Context, batch: Batch) -> str:
    """SELECT of AD1 + 8F35/8F36 alerts for the power outages starting in the batch."""
    n_exp = POWER_EVENTS_PER_DAY * ctx.scale
    total = sum(ctx.premises.values())
    per_seg = ", ".join(f"({g}, {n_exp * n / total!r})" for g, n in ctx.premises.items())
    return f"""
        WITH ev AS (
            SELECT d, g, e, h, start_ms + floor(rnd(h, 1) * (end_ms - start_ms))::BIGINT AS t,
                   greatest(60000, least(8 * 3600000, 1200000 * exp(1.2 * nrm(h, 2))))::BIGINT AS dur,
                   least(5 + floor(195 * pow(rnd(h, 3), 2))::BIGINT, {ctx.premises_count('g')}) AS b
            FROM (SELECT d, g, e, start_ms, end_ms, hash({ctx.seed}, 33, d, g, e) AS h
                  FROM (SELECT d, g, start_ms, end_ms, floor(rate + rnd(hash({ctx.seed}, 32, d, g), 0))::BIGINT AS n
                        FROM days, (VALUES {per_seg}) v(g, rate) WHERE {batch.where()}) c,
                       range(c.n) r(e))
        ),
        hit AS (
            SELECT g, e, t, dur, j, floor(rnd(h, 4) * ({ctx.premises_count('g')} - b + 1))::BIGINT + j AS p,
                   hash(h, j) AS k, 'P' || (d + {ctx.day_base}) || '-' || g || '-' || e || '-' || j AS pid
            FROM ev, range(ev.b) r(j)
        )
        SELECT {_alert_row("pid || 'a'", "'AD1'", "'dcc'", "'CHF'", 'dno(g, p)', 'NULL::VARCHAR',
                           't + 2000 + floor(rnd(k, 5) * 38000)::BIGINT',
                           delivery('k', 't + 2000 + floor(rnd(k, 5) * 38000)::BIGINT'), 'false')}
        FROM hit
        UNION ALL
        SELECT {_alert_row("pid || 'r'", "CASE WHEN dur >= 180000 THEN '8F36' ELSE '8F35' END", "'device'", "'ESME'",
                           "supplier(g, p, 'ESME')", 'NULL::VARCHAR', 't + dur + 5000 + floor(rnd(k, 6) * 115000)::BIGINT',
                           delivery('hash(k, 7)', 't + dur + 5000 + floor(rnd(k, 6) * 115000)::BIGINT'), 'false')}
        FROM hit
    """


def firmware_alerts() -> str:
    """SELECT of 8F72/8F1C alerts of the day's firmware chains (table fw_new)."""
    return f"""
        SELECT {_alert_row("'V' || sid", 'alert_code', "'device'", 'dt', 'supplier(g, p, dt)', 'sid', 'alert_at',
                           delivery('hash(k, 9)', 'alert_at'), 'false')}
        FROM fw_new WHERE alert_code IS NOT NULL
    """


def unsent_at_end_of(day: Day) -> str:
    """SELECT-list REPLACE: an alert as the day's extract shows it, unsent if it was
    sent after the day."""
    return f"REPLACE (CASE WHEN delivered_at >= {day.end_ms} THEN NULL ELSE delivered_at END AS delivered_at)"


def sent_later(ctx: Context, day: Day, held: str) -> str:
    """SELECT of the alerts of a day (`held`: those held for it) sent after the day ends,
    as the next day's file delivers them again: with their delivery time."""
    return f"""
        SELECT * REPLACE ({day.idx + 1} AS day)
        FROM (SELECT * FROM {held} WHERE day = {day.idx}
              UNION ALL SELECT {internal_columns('alerts')}, day, tag FROM ({background_alerts(ctx, day, True)}))
        WHERE delivered_at >= {day.end_ms}
    """
