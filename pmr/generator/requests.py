"""Service-request streams of a batch of UK days, as logical request steps.

A stream's rows are laid out minute by minute: for each UK day, minute and
segment, the expected count is the stream's national daily rate x scale x the
segment's share x a time-of-day profile (UK local time, Working Day or not) x the
traffic-depression factor of that segment and minute (unplanned outages); the count is
rounded stochastically and expanded with `range(n)`. DCC-scheduled reads come from the
stable device population instead.

Every stream yields the same columns (STEP_COLUMNS); `outcomes.py` then splits Critical
requests into Transform + signed legs and decides responses. Chained streams (top-ups,
change of supplier, change of tenancy, firmware) live in `chains.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmr.generator.context import SEGMENTS, Batch, Context, read_seed, weighted_case
from pmr.generator.enums import ENUM_COLUMNS
from pmr.generator.events import depression_case

STEP_COLUMNS = ("k", "sid", "t", "user_id", "user_role", "srv", "g", "p", "dt", "device_id", "exe", "fd_off", "fcode",
                "fdelay")

# Time-of-day profiles: SQL of the local hour `h` (fractional) and Working Day flag `wd`.
PROFILES = {
    "user": "(CASE WHEN wd THEN 0.10 + exp(-pow((h - 10.5) / 3.2, 2)) + 0.8 * exp(-pow((h - 16.5) / 3.0, 2))"
            " + 0.3 * exp(-pow((h - 20.5) / 2.0, 2)) ELSE 0.55 * (0.10 + 0.8 * exp(-pow((h - 12) / 4.0, 2))"
            " + 0.35 * exp(-pow((h - 19) / 3.0, 2))) END)",
    "topup": "((CASE WHEN wd THEN 1.0 ELSE 0.85 END) * (0.08 + 0.6 * exp(-pow((h - 8.5) / 2.5, 2))"
             " + exp(-pow((h - 18) / 3.0, 2))))",
    "install": "((CASE WHEN h BETWEEN 7.5 AND 19 THEN exp(-pow((h - 11.5) / 2.8, 2)) ELSE 0.004 END)"
               " * (CASE WHEN wd THEN 1.0 ELSE 0.08 END))",
    "office": "((CASE WHEN wd THEN 1.0 ELSE 0.15 END) * (0.05 + exp(-pow((h - 12.5) / 3.5, 2))))",
    "alert": "(0.6 + 0.35 * exp(-pow((h - 18.5) / 3.5, 2)) + 0.2 * exp(-pow((h - 7.5) / 2.0, 2)))",
}


@dataclass(frozen=True)
class Stream:
    name: str
    ident: int  # salt of the stream's hashes
    letter: str  # first letter of its request ids
    profile: str
    per_day: float  # national rate on an average Working Day (scale 1.0)
    smets1_factor: float = 1.0
    smets2_only: bool = False


STREAMS = {
    "single": Stream("single", 12, "Q", "user", 3_020_000),
    "dno": Stream("dno", 13, "D", "office", 120_000),
    "install": Stream("install", 14, "I", "install", 15_000, smets1_factor=0.1),
    "topup": Stream("topup", 15, "U", "topup", 2_000_000),
    "cos": Stream("cos", 16, "W", "office", 45_000),
    "cot": Stream("cot", 17, "Y", "office", 25_000),
    "firmware": Stream("firmware", 18, "F", "office", 120_000),
    "alerts": Stream("alerts", 21, "A", "alert", 52_000_000),
}

# Service requests a day at scale 1.0 (domain-notes), used to size batches.
REQUESTS_PER_DAY = 17_000_000

# The single-step mix of the "single" stream (share of its requests).
SINGLE_MIX = [
    ("'4.6.1'", 1_200_000), ("'1.1.1'", 800_000), ("'5.1'", 400_000), ("'2.1'", 150_000),
    ("'6.15.2'", 200_000), ("'6.8'", 200_000), ("'1.6'", 60_000), ("'8.14.3'", 5_000), ("'8.14.4'", 5_000),
]
# Share of Future-Dated requests among the SRVs the catalogue allows to be Future-Dated.
FUTURE_DATED_SHARE = {"1.1.1": 0.30, "1.6": 0.50, "6.8": 0.30, "11.3": 0.35}


def fd_offset(k: str, srv: str, salt: int = 70) -> str:
    """SQL: execution offset (ms after receipt) of a Future-Dated request, else NULL."""
    allowed = {r["srv"] for r in read_seed("srv_catalogue.csv") if r["is_future_dated"] == "true"}
    whens = " ".join(
        f"WHEN {srv} = '{s}' THEN {share!r}" for s, share in FUTURE_DATED_SHARE.items() if s in allowed
    )
    if not whens:
        return "NULL::BIGINT"
    return (f"(CASE WHEN rnd({k}, {salt}) < (CASE {whens} ELSE 0.0 END) "
            f"THEN (3600000 + floor(pow(rnd({k}, {salt + 1}), 2) * 3 * 86400000))::BIGINT END)")


def profile_norms(ctx: Context) -> dict[str, float]:
    """Mean of each profile over a 24-hour Working Day, so rates are per average Working Day."""
    cols = ", ".join(f"avg({expr}) AS {name}" for name, expr in PROFILES.items())
    row = ctx.con.execute(
        f"SELECT {cols} FROM (SELECT (m + 0.5) / 60.0 AS h, true AS wd FROM range(1440) r(m))"
    ).fetchone()
    return dict(zip(PROFILES, row))


def build_slots(ctx: Context, batch: Batch) -> None:
    """One row per UK day of the batch, minute and segment, with local hour, Working Day
    flag and depression factor."""
    dep = depression_case(ctx, batch.start_ms, batch.end_ms, "(t0 + 30000)", "g")
    ctx.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE slotseg AS
        SELECT d, m, g, t0, ukhour(t0 + 30000) AS h, working AS wd, {dep} AS dep
        FROM (SELECT d, working, m, start_ms + m * 60000 AS t0 FROM days, range(1500) r(m)
              WHERE {batch.where()} AND start_ms + m * 60000 < end_ms),
             (SELECT unnest([0, 1, 2, 3]) AS g)
    """)


def build_counts(ctx: Context, norms: dict[str, float]) -> None:
    """Table cnt: per stream, day, minute and segment, the number of rows to draw.
    Expected count = daily rate x scale x segment share x profile x depression (not for
    alerts) x degraded-install factor (installs), rounded stochastically."""
    whens = []
    for stream in STREAMS.values():
        weights = ctx.premises_weights(stream.smets1_factor, stream.smets2_only)
        total = sum(weights.values())
        share = "(CASE g " + " ".join(f"WHEN {g} THEN {w / total!r}" for g, w in weights.items()) + " ELSE 0 END)"
        extra = "coalesce(dg.factor, 1.0)" if stream.name == "install" else "1.0"
        dep = "1.0" if stream.name == "alerts" else "dep"
        per_min = stream.per_day * ctx.scale / 1440 / norms[stream.profile]
        whens.append(f"WHEN {stream.ident} THEN {per_min!r} * {PROFILES[stream.profile]} * {share} * {dep} * {extra}")
    idents = ", ".join(str(s.ident) for s in STREAMS.values())
    ctx.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cnt AS
        SELECT stream, d, m, g, t0, floor((CASE stream {' '.join(whens)} END)
                                          + rnd(hash({ctx.seed}, stream, d, m, g), 0))::BIGINT AS n
        FROM (SELECT s.*, dg.factor FROM slotseg s LEFT JOIN degraded dg USING (d, g)) dg,
             (SELECT unnest([{idents}]) AS stream)
    """)


def expanded(ctx: Context, stream: Stream, day: int | None = None, from_ms: int | None = None) -> str:
    """FROM-clause: the stream's rows (d, g, minute, key k, id, premises) of the batch
    (or of one day, and of its minutes from `from_ms` on). Ids: stream letter + a number
    unique in the stream."""
    only_day = ("" if day is None else f" AND d = {day}") + ("" if from_ms is None else f" AND t0 >= {from_ms}")
    return f"""(
        SELECT d, g, m, j, k, t0 + floor(rnd(k, 1) * 60000)::BIGINT AS t,
               '{stream.letter}' || ((d + {ctx.day_base}) * 10000000000 + (m * 4 + g) * 1000000 + j)::VARCHAR AS sid,
               floor(rnd(k, 2) * {ctx.premises_count('g')})::BIGINT AS p
        FROM (SELECT d, g, m, j, t0, hash({ctx.seed}, {stream.ident}, d, m * 4 + g, j) AS k
              FROM (SELECT * FROM cnt WHERE stream = {stream.ident} AND n > 0{only_day}) c, range(c.n) r(j))
    )"""


def steps_select(**cols: str) -> str:
    """SELECT list in STEP_COLUMNS order; missing columns are NULL. Text columns become
    their ENUM types here, so every later step moves one-byte codes instead of strings."""
    typed = {"exe": "NULL::BIGINT", "fd_off": "NULL::BIGINT", "fcode": "NULL::VARCHAR", "fdelay": "NULL::BIGINT",
             "device_id": f"devid({cols.get('g', 'g')}, {cols.get('p', 'p')}, {cols.get('dt', 'dt')})"}
    enum = {c: ENUM_COLUMNS[contract_name] for c, contract_name in
            (("user_id", "user_id"), ("user_role", "user_role"), ("srv", "srv"), ("dt", "device_type"), ("fcode", "fc"))}
    exprs = {c: cols.get(c, typed.get(c, "NULL")) for c in STEP_COLUMNS}
    return ", ".join(f"({exprs[c]})::{enum[c]} AS {c}" if c in enum else f"{exprs[c]} AS {c}" for c in STEP_COLUMNS)


def build_scheduled_population(ctx: Context) -> None:
    """The meters whose daily read log the DCC retrieves on a schedule (32% of meters),
    with their ids and supplier: stable for the whole window."""
    parts = []
    for s in SEGMENTS:
        parts.append(f"SELECT {s.idx} AS g, p, dt FROM range({ctx.premises[s.idx]}) r(p), "
                     f"(SELECT unnest(['ESME', 'GSME']) AS dt) "
                     f"WHERE sched({s.idx}, p, dt) AND (dt = 'ESME' OR hasgas({s.idx}, p))")
    ctx.con.execute(f"""
        CREATE TABLE sched_pop AS
        SELECT g, p, dt::e_device_type AS dt, p * 8 + g * 2 + (dt = 'GSME')::INTEGER AS pid,
               devid(g, p, dt) AS device_id, supplier(g, p, dt)::e_user_id AS user_id,
               suprole(dt)::e_user_role AS user_role
        FROM ({" UNION ALL ".join(parts)})
    """)


def scheduled_reads(ctx: Context, batch: Batch) -> str:
    """DCC-scheduled 4.6.1 daily reads: every scheduled meter once a night (00:30-05:30),
    received at or just before execution. 1% answered 1-60 h late, 0.3% never, 0.8% comms failures."""
    dep = depression_case(ctx, batch.start_ms, batch.end_ms, "t", "g")
    return f"""
        SELECT {steps_select(k='k', sid='sid', t='t', user_id='user_id', user_role='user_role',
                             srv="'4.6.1'", g='g', p='p', dt='dt', device_id='device_id', exe='exe', fcode='fcode',
                             fdelay='fdelay')}
        FROM (
            SELECT *, exe - (CASE WHEN rnd(k, 2) < 0.3 THEN 0 ELSE floor(rnd(k, 3) * 3000)::BIGINT END) AS t,
                   'R' || ((d + {ctx.day_base}) * 10000000000 + pid)::VARCHAR AS sid,
                   CASE WHEN u < 0.010 THEN 'I0' WHEN u < 0.013 THEN 'NOFINAL' WHEN u < 0.019 THEN 'E21'
                        WHEN u < 0.021 THEN 'E20' WHEN u < 0.022 THEN 'NONE' ELSE 'I0' END AS fcode,
                   CASE WHEN u < 0.010 THEN (3600000 + rnd(k, 4) * 59 * 3600000)::BIGINT END AS fdelay
            FROM (
                SELECT *, rnd(k, 5) AS u, start_ms + 1800000 + floor(rnd(k, 1) * 5 * 3600000)::BIGINT AS exe
                FROM (SELECT sp.*, dd.d, dd.start_ms, hash({ctx.seed}, 11, dd.d, sp.pid) AS k
                      FROM sched_pop sp, (SELECT d, start_ms FROM days WHERE {batch.where()}) dd)
            )
        )
        WHERE rnd(k, 9) < {dep}
    """


def single_requests(ctx: Context) -> str:
    """On-Demand reads and the other one-step requests (tariffs, schedules, prepay
    configuration, credentials, billing calendar, payment mode, CH returns)."""
    stream = STREAMS["single"]
    srv = weighted_case("rnd(k, 3)", SINGLE_MIX)
    role = ("(CASE WHEN srv <> '4.6.1' OR ur < 0.85 THEN suprole(dt) WHEN ur < 0.92 THEN 'OU' "
            "WHEN ur < 0.96 AND dt = 'GSME' THEN 'GT' WHEN ur < 0.985 AND dt = 'ESME' THEN 'ED' "
            "WHEN ur < 0.993 THEN 'RSA' WHEN ur < 0.996 AND dt = 'ESME' THEN 'ES' ELSE suprole(dt) END)")
    user = ("(CASE role WHEN 'OU' THEN 'OTH0' || (1 + p % 5)::VARCHAR WHEN 'GT' THEN 'GTR0' || (1 + p % 4)::VARCHAR "
            "WHEN 'ED' THEN dno(g, p) WHEN 'RSA' THEN 'RSA0' || (1 + p % 2)::VARCHAR ELSE supplier(g, p, dt) END)")
    return f"""
        SELECT {steps_select(k='k', sid='sid', t='t', user_id=user, user_role='role', srv='srv', g='g', p='p',
                             dt='dt', fd_off=fd_offset('k', 'srv'))}
        FROM (
            SELECT *, {role} AS role FROM (
                SELECT *, CASE WHEN srv IN ('8.14.3', '8.14.4') THEN 'CHF'
                               WHEN rnd(k, 4) < 0.38 AND hasgas(g, p) THEN 'GSME' ELSE 'ESME' END AS dt,
                          rnd(k, 5) AS ur
                FROM (SELECT *, {srv} AS srv FROM {expanded(ctx, stream)})
            )
        )
    """


def dno_requests(ctx: Context) -> str:
    """Network operators' post-install requests to electricity meters."""
    srv = weighted_case("rnd(k, 3)", [("'6.15.1'", 0.40), ("'6.5'", 0.35), ("'6.22'", 0.25)])
    return f"""
        SELECT {steps_select(k='k', sid='sid', t='t', user_id='dno(g, p)', user_role="'ED'", srv=srv, g='g',
                             p='p', dt="'ESME'")}
        FROM {expanded(ctx, STREAMS['dno'])}
    """


INSTALL_STEPS = [  # step, srv, device type, needs gas
    (0, "8.14.1", "CHF", False), (1, "8.11", "CHF", False), (2, "8.1.1", "ESME", False),
    (3, "8.1.1", "GSME", True), (4, "6.20.1", "ESME", False), (5, "6.20.1", "GSME", True),
    (6, "6.21", "GPF", True), (7, "1.1.1", "ESME", False), (8, "6.8", "ESME", False), (9, "8.7.2", "IHD", False),
]


def installs(ctx: Context) -> str:
    """Install and commission: 8.14.1 to the new hub, then 8.11, 8.1.1 (ESME, GSME), 6.20.1,
    6.21, 1.1.1, 6.8, 8.7.2 to the same premises minutes apart; 10% are Install and Leave
    (8.14.2 only). Installed premises get new ids (>= 500,000,000)."""
    values = ", ".join(f"({s}, '{srv}', '{dt}', {str(gas).lower()})" for s, srv, dt, gas in INSTALL_STEPS)
    return f"""
        SELECT {steps_select(k='hash(k, st)', sid="sid || '.' || st", t='t + st * gap + floor(rnd(k, 10 + st) * gap * 0.6)::BIGINT',
                             user_id='supplier(g, ip, dtype)', user_role='suprole(dtype)',
                             srv="CASE WHEN leave THEN '8.14.2' ELSE srv END", g='g', p='ip', dt='dtype')}
        FROM (
            SELECT *, 500000000 + ((d + {ctx.day_base}) * 1440 + m) * 200 + j AS ip,
                   g < 3 AND rnd(k, 4) < 0.10 AS leave, 40000 + floor(rnd(k, 5) * 200000)::BIGINT AS gap
            FROM {expanded(ctx, STREAMS['install'])}
        ) i, (VALUES {values}) s(st, srv, dtype, gas)
        WHERE (NOT gas OR hasgas(g, ip)) AND (NOT leave OR st = 0)
    """
