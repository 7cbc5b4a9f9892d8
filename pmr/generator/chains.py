"""Request streams whose steps follow each other: prepayment top-up retries, change of
supplier with the gaining supplier's follow-ups, change of tenancy, and firmware
delivery (11.1 -> 8F72/8F1C alert -> 11.3 activation).

A chain starts in the batch of days being generated; its later steps may fall on later days and
are held until their day is written. Depression by an outage applies to the chain's
start (the counts), so a chain is kept or dropped whole.
"""

from __future__ import annotations

from pmr.generator.context import N_SUPPLIERS, SUPPLIER_IDS, Context
from pmr.generator.requests import STREAMS, expanded, fd_offset, steps_select

H = 3_600_000
D = 86_400_000


def topups(ctx: Context) -> str:
    """2.2 Top Up Device chains: retries by the same User to the same device after a
    failure, mostly within minutes, some after more than 24 h; some never succeed."""
    attempts = ("CASE WHEN ua < 0.965 THEN 1 WHEN ua < 0.985 THEN 2 WHEN ua < 0.991 THEN 3 WHEN ua < 0.994 THEN 4 "
                "WHEN ua < 0.997 THEN 1 WHEN ua < 0.9985 THEN 2 ELSE 3 END")
    gap = ("(CASE WHEN rnd(k, {s}) < 0.75 THEN 60000 + floor(rnd(k, {s} + 1) * 840000) "
           f"WHEN rnd(k, {{s}}) < 0.92 THEN {H} + floor(rnd(k, {{s}} + 1) * 11 * {H}) "
           f"ELSE 25 * {H} + floor(rnd(k, {{s}} + 1) * 15 * {H}) END)::BIGINT")
    fail = ("CASE WHEN rnd(k, 30 + a) < 0.45 THEN 'E21' WHEN rnd(k, 30 + a) < 0.80 THEN 'E20' "
            "WHEN rnd(k, 30 + a) < 0.90 THEN 'E12' ELSE 'NONE' END")
    return f"""
        SELECT {steps_select(k='hash(k, a)', sid="sid || '.' || a",
                             t='t + (a >= 1)::INTEGER * g1 + (a >= 2)::INTEGER * g2 + (a >= 3)::INTEGER * g3',
                             user_id='supplier(g, p, dt)', user_role='suprole(dt)', srv="'2.2'", g='g', p='p', dt='dt',
                             fcode=f"CASE WHEN a = n_att - 1 AND ok THEN 'I0' ELSE {fail} END")}
        FROM (
            SELECT *, {attempts} AS n_att, ua < 0.994 AS ok,
                   {gap.format(s=11)} AS g1, {gap.format(s=13)} AS g2, {gap.format(s=15)} AS g3,
                   CASE WHEN rnd(k, 4) < 0.3 AND hasgas(g, p) THEN 'GSME' ELSE 'ESME' END AS dt
            FROM (SELECT *, rnd(k, 3) AS ua FROM {expanded(ctx, STREAMS['topup'])})
        ), (SELECT unnest([0, 1, 2, 3]) AS a)
        WHERE a < n_att
    """


def _other_supplier(current: str, u: str) -> str:
    return f"(({current} + floor({u} * {N_SUPPLIERS - 1})::INTEGER) % {N_SUPPLIERS} + 1)"


def change_of_supplier(ctx: Context) -> str:
    """6.23 by the gaining supplier, then its 1.1.1 and 6.8 to the same device hours to
    days later. 6% of 6.23 fail erroneously with E21 yet are followed by successful
    requests: mostly within 7 days, some after; 10% of those from another User."""
    cur = "substr(supplier(g, p, dt), 4)::INTEGER"
    delay = (f"(CASE WHEN e21 AND rnd(k, 6) < 0.85 THEN 2 * {H} + floor(rnd(k, 7) * (7 * {D} - 3 * {H})) "
             f"WHEN e21 THEN 7 * {D} + {H} + floor(rnd(k, 7) * 3 * {D}) "
             f"WHEN rnd(k, 6) < 0.70 THEN {H} + floor(rnd(k, 7) * 47 * {H}) "
             f"WHEN rnd(k, 6) < 0.92 THEN 2 * {D} + floor(rnd(k, 7) * 5 * {D}) "
             f"ELSE 7 * {D} + floor(rnd(k, 7) * 3 * {D}) END)::BIGINT")
    return f"""
        SELECT {steps_select(k='hash(k, st)', sid="sid || '.' || st",
                             t=f"t + CASE st WHEN 0 THEN 0 WHEN 1 THEN d1 ELSE d1 + 60000 + floor(rnd(k, 8) * 29 * 60000)::BIGINT END",
                             user_id=f"{SUPPLIER_IDS}[CASE WHEN st > 0 AND other THEN follow ELSE gain END]",
                             user_role="CASE WHEN dt = 'GSME' THEN 'GS' ELSE 'IS' END",
                             srv="['6.23', '1.1.1', '6.8'][st + 1]", g='g', p='p', dt='dt',
                             fcode="CASE WHEN e21 AND st = 0 THEN 'E21' WHEN e21 THEN 'I0' END")}
        FROM (
            SELECT *, {delay} AS d1, {_other_supplier('gain', 'rnd(k, 10)')} AS follow
            FROM (
                SELECT *, {_other_supplier(cur, 'rnd(k, 5)')} AS gain, rnd(k, 3) < 0.06 AS e21,
                       rnd(k, 9) < 0.10 AS other
                FROM (SELECT *, CASE WHEN rnd(k, 4) < 0.35 AND hasgas(g, p) THEN 'GSME' ELSE 'ESME' END AS dt
                      FROM {expanded(ctx, STREAMS['cos'])})
            )
        ), (SELECT unnest([0, 1, 2]) AS st)
    """


def change_of_tenancy(ctx: Context) -> str:
    """3.2, 3.5, then 1.6 and 1.1.1 (Critical, some Future-Dated) to the electricity meter."""
    offset = (f"CASE st WHEN 0 THEN 0 WHEN 1 THEN 60000 + floor(rnd(k, 11) * 19 * 60000) "
              f"WHEN 2 THEN 1200000 + floor(rnd(k, 12) * 100 * 60000) ELSE 2 * {H} + floor(rnd(k, 13) * 4 * {H}) END")
    return f"""
        SELECT {steps_select(k='hash(k, st)', sid="sid || '.' || st", t=f"t + ({offset})::BIGINT",
                             user_id="supplier(g, p, 'ESME')", user_role="'IS'", srv="['3.2', '3.5', '1.6', '1.1.1'][st + 1]",
                             g='g', p='p', dt="'ESME'", fd_off=fd_offset('hash(k, st)', "['3.2', '3.5', '1.6', '1.1.1'][st + 1]"))}
        FROM {expanded(ctx, STREAMS['cot'])}, (SELECT unnest([0, 1, 2, 3]) AS st)
    """


def build_firmware(ctx: Context) -> None:
    """Firmware chains of the batch into table fw_new: the 11.1 request (Non-Device, with
    the target's device type), its final response time and code, the device's 8F72/8F1C
    alert and the 11.3 activation that follows a successful verification."""
    ctx.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fw_new AS
        WITH b AS (
            SELECT *, CASE WHEN uo < 0.86 THEN 'I0' WHEN uo < 0.90 THEN 'I0'
                           WHEN uo < 0.95 THEN 'E21' WHEN uo < 0.96 THEN 'E20' WHEN uo < 0.97 THEN 'NONE' ELSE 'I0' END AS fcode,
                      (CASE WHEN uo < 0.86 THEN 2 * {H} + floor(pow(rnd(k, 21), 1.5) * (4.5 * {D} - 2 * {H}))
                            WHEN uo < 0.90 THEN 5 * {D} + {H} + floor(rnd(k, 21) * 3 * {D})
                            WHEN uo < 0.96 THEN {D} + floor(rnd(k, 21) * 4 * {D})
                            ELSE {H} + floor(rnd(k, 21) * 23 * {H}) END)::BIGINT AS fdelay
            FROM (
                SELECT *, rnd(k, 20) AS uo,
                       CASE WHEN g < 3 AND rnd(k, 4) < 0.30 THEN 'CHF'
                            WHEN rnd(k, 4) < 0.60 AND hasgas(g, p) THEN 'GSME' ELSE 'ESME' END AS dt
                FROM {expanded(ctx, STREAMS['firmware'])}
            )
        ),
        a AS (
            SELECT *, CASE WHEN fcode <> 'I0' THEN NULL WHEN ua < 0.88 THEN '8F72' WHEN ua < 0.91 THEN '8F72'
                           WHEN ua < 0.96 THEN '8F1C' END AS alert_code,
                      t + fdelay + (CASE WHEN ua < 0.88 THEN 60000 + floor(rnd(k, 23) * 20 * {H})
                                         WHEN ua < 0.91 THEN 5 * {D} + 5 * {H} + floor(rnd(k, 23) * 43 * {H})
                                         ELSE 60000 + floor(rnd(k, 23) * 2 * {H}) END)::BIGINT AS alert_at
            FROM (SELECT *, rnd(k, 22) AS ua FROM b)
        )
        SELECT *, alert_code = '8F72' AND rnd(k, 24) < 0.85 AS activate,
               alert_at + 2 * {H} + floor(rnd(k, 25) * 70 * {H})::BIGINT AS act_at
        FROM a
    """)


def firmware_steps() -> str:
    return f"""
        SELECT {steps_select(k='k', sid='sid', t='t', user_id='supplier(g, p, dt)', user_role='suprole(dt)',
                             srv="'11.1'", g='g', p='p', dt='dt', fcode='fcode', fdelay='fdelay')}
        FROM fw_new
        UNION ALL
        SELECT {steps_select(k='hash(k, 3)', sid="sid || '.A'", t='act_at', user_id='supplier(g, p, dt)',
                             user_role='suprole(dt)', srv="'11.3'", g='g', p='p', dt='dt',
                             fd_off=fd_offset('hash(k, 3)', "'11.3'"))}
        FROM fw_new WHERE activate
    """
