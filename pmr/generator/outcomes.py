"""From logical request steps to request rows, responses and request-linked alerts.

- Critical SRVs (catalogue) become two requests: a Transform (command variant 4, its
  own id `<id>T`, answered with I0 within ~1.5 s) and, seconds to minutes later, the
  signed pre-command (variant 5-7). Non-Device SRVs get variant 8, others 1-3.
- SRVs that do not apply to SMETS1 (catalogue) are dropped for SMETS1 devices.
- Each counted request gets a final code: forced by its stream (`fcode`, `fdelay`) or
  drawn: ~0.9% boundary rejections (E1-E19, within 1 s, no acknowledgement), 0.3% no
  response at all, ~1.2% communications failures (E20/E21/E201/E212), 3% E30 among
  Future-Dated requests, else I0. Non-communicating meters fail every 4.6.1. Non-Device
  requests: 40% end with their I99. Special codes: NONE = no response at all, NOFINAL
  = acknowledgement only.
- Device requests are acknowledged (I99) within ~1 s; the final response comes after
  the clock start (execution_at, else received_at) plus a round trip by device type
  (ESME median ~3.5 s, GSME ~14 s, long tail), SMETS1 15% slower.
- 0.4% of device requests answered I0 get an N12/N13 DCC alert naming them.
"""

from __future__ import annotations

from pmr.generator.context import Context, response_codes_by_class, weighted_case
from pmr.generator.enums import REGION_OF_SEGMENT, SMETS_OF_SEGMENT, code

RTT_MEDIAN_MS = {"ESME": 3500, "GSME": 14000, "CHF": 2500, "GPF": 3000}
RTT_SIGMA = {"GSME": 0.30}


def _rtt(k: str) -> str:
    med = "(CASE dt " + " ".join(f"WHEN '{t}' THEN {m}" for t, m in RTT_MEDIAN_MS.items()) + " ELSE 5000 END)"
    sig = "(CASE dt " + " ".join(f"WHEN '{t}' THEN {s}" for t, s in RTT_SIGMA.items()) + " ELSE 0.45 END)"
    return (f"greatest(300, CASE WHEN rnd({k}, 50) < 0.012 THEN 30000 * exp(0.8 * nrm({k}, 51)) "
            f"ELSE {med} * (CASE WHEN g = 3 THEN 1.15 ELSE 1.0 END) * exp({sig} * nrm({k}, 53)) END)::BIGINT")


# delivery(): per million alerts, this many never sent, and below LATE_BELOW sent late,
# 60 s plus LATE_STEP_MS per step of the draw: at most LATEST_DELIVERY_MS (about 17 min).
NEVER_BELOW, LATE_BELOW, LATE_STEP_MS = 1500, 11000, 88
LATEST_DELIVERY_MS = 60000 + LATE_BELOW * LATE_STEP_MS


def delivery(k: str, at: str) -> str:
    """SQL: delivery time of an alert received at `at` (NULL = never delivered): 0.15%
    never, ~1% after 60 s - 17 min, else 0.15-8 s (median ~0.6 s)."""
    u = f"((hash(xor({k}, 90::UBIGINT)) >> 11) % 1000000)::BIGINT"  # uniform integer 0..999999
    return (f"(CASE WHEN {u} < {NEVER_BELOW} THEN NULL WHEN {u} < {LATE_BELOW} THEN {at} + 60000 + {u} * {LATE_STEP_MS} "
            f"ELSE {at} + 150 + (8000 * pow({u} / 1e6, 5))::BIGINT END)")


# Columns kept with held requests beyond the contract's: the day to write them, the
# batch that made them, and what responses and alerts need.
HIDDEN_REQUEST_COLUMNS = (("day", "INTEGER"), ("batch", "INTEGER"), ("k", "UBIGINT"),
                          ("fc", "VARCHAR"), ("ack_at", "BIGINT"), ("fin_at", "BIGINT"), ("failed_alert", "BOOLEAN"))


def build_requests(ctx: Context, steps_sql: str, table: str, batch: int) -> None:
    """steps_sql (STEP_COLUMNS rows) -> rows of `table`: contract columns + hidden columns.
    Both legs of a Critical request come from one pass (a leg flag), keyed apart."""
    codes = response_codes_by_class()
    rejected = weighted_case("rnd(k, 61)", [(code(c), 1.0) for c in codes["rejected"]])
    comms_w = {"E20": 0.45, "E21": 0.45}
    comms = weighted_case("rnd(k, 63)", [(code(c), comms_w.get(c, 0.05)) for c in codes["comms_failure"]])
    timeout = codes["timeout"][0]
    rej = "(" + ", ".join(f"'{c}'" for c in codes["rejected"]) + ")"
    comm = "(" + ", ".join(f"'{c}'" for c in codes["comms_failure"]) + ")"
    legs = f"""
        SELECT *, CASE WHEN transform THEN {code('I0')}
                       WHEN srv = '4.6.1' AND noncomm(g, p, dt)
                           THEN (CASE WHEN rnd(k, 60) < 0.7 THEN {code('E21')} ELSE {code('E20')} END)
                       WHEN fcode IS NOT NULL THEN fcode
                       WHEN rnd(k, 60) < 0.009 THEN {rejected}
                       WHEN rnd(k, 64) < 0.003 THEN {code('NONE')}
                       WHEN nondev THEN (CASE WHEN rnd(k, 62) < 0.4 THEN {code('I99')} ELSE {code('I0')} END)
                       WHEN rnd(k, 60) < 0.021 THEN {comms}
                       WHEN fd_off IS NOT NULL AND rnd(k, 60) < 0.051 THEN {code(timeout)}
                       ELSE {code('I0')} END AS fc
        FROM (
            SELECT * REPLACE (CASE WHEN transform THEN hash(k, 4) ELSE k END AS k,
                              CASE WHEN transform THEN NULL ELSE fdelay END AS fdelay),
                   CASE WHEN transform THEN sid || 'T' ELSE sid END AS request_id,
                   CASE WHEN transform OR NOT crit THEN t
                        ELSE t + least(7200000, 2000 + 25000 * exp(1.1 * nrm(k, 40)))::BIGINT END AS received_at,
                   CASE WHEN transform THEN NULL
                        ELSE coalesce(exe, CASE WHEN crit THEN t + least(7200000, 2000 + 25000 * exp(1.1 * nrm(k, 40)))::BIGINT
                                                ELSE t END + fd_off) END AS execution_at
            FROM ({steps_sql}) st JOIN srv_cat c USING (srv), (SELECT unnest([false, true]) AS transform)
            WHERE (st.g < 3 OR c.s1) AND (NOT transform OR c.crit)
        )
    """
    ctx.con.execute(f"""
        INSERT INTO {table}
        SELECT request_id, received_at, user_id, user_role, srv,
               CASE WHEN transform THEN 4 WHEN nondev THEN 8
                    WHEN crit THEN 5 + (rnd(k, 41) < 0.06)::INTEGER + (rnd(k, 41) < 0.02)::INTEGER
                    ELSE 1 + (rnd(k, 41) < 0.05)::INTEGER + (rnd(k, 41) < 0.02)::INTEGER END AS command_variant,
               device_id, dt AS device_type, {SMETS_OF_SEGMENT} AS smets, {REGION_OF_SEGMENT} AS csp_region,
               execution_at,
               CASE WHEN rnd(k, 42) < 0.93 THEN least(5000, 35 + exp(4.7 + 0.55 * nrm(k, 43)))::BIGINT END AS dsp_processing_ms,
               ukday(received_at) AS day, {batch} AS batch, k, fc, ack_at,
               CASE WHEN ack_at IS NULL OR fin_at IS NULL THEN fin_at ELSE greatest(fin_at, ack_at + 5) END AS fin_at,
               NOT transform AND NOT nondev AND fc = 'I0' AND rnd(k, 65) < 0.004 AS failed_alert
        FROM (
            SELECT *,
                   CASE WHEN transform OR fc = 'NONE' OR fc IN {rej} THEN NULL
                        ELSE received_at + 80 + floor(rnd(k, 44) * 820)::BIGINT END AS ack_at,
                   CASE WHEN transform THEN received_at + 150 + floor(rnd(k, 45) * 1350)::BIGINT
                        WHEN fc IN ('NONE', 'NOFINAL', 'I99') THEN NULL
                        WHEN fc IN {rej} THEN received_at + 30 + floor(rnd(k, 45) * 870)::BIGINT
                        WHEN fc = '{timeout}' THEN execution_at + 30000 + floor(rnd(k, 46) * 1800000)::BIGINT
                        WHEN fdelay IS NOT NULL THEN coalesce(execution_at, received_at) + fdelay
                        WHEN fc IN {comm} THEN coalesce(execution_at, received_at)
                             + (CASE WHEN dt = 'GSME' THEN 40000 ELSE 20000 END) + floor(rnd(k, 47) * 60000)::BIGINT
                        WHEN nondev THEN received_at + 1000 + floor(rnd(k, 48) * 19000)::BIGINT
                        ELSE coalesce(execution_at, received_at) + {_rtt('k')} END AS fin_at
            FROM ({legs})
        )
        WHERE ukday(received_at) < {ctx.n_days}
    """)


def response_rows(table: str, batch: int) -> str:
    """SELECT of the responses to a batch's requests: (request_id, response_at, response_code, day)."""
    return f"""
        SELECT request_id, ack_at AS response_at, 'I99' AS response_code, ukday(ack_at) AS day
        FROM {table} WHERE batch = {batch} AND ack_at IS NOT NULL
        UNION ALL
        SELECT request_id, fin_at, fc, ukday(fin_at) FROM {table} WHERE batch = {batch} AND fin_at IS NOT NULL
    """


def failed_request_alerts(table: str, batch: int) -> str:
    """N12/N13 DCC alerts naming requests that were answered I0 but failed."""
    at = "(fin_at + 1000 + floor(rnd(k, 66) * 59000)::BIGINT)"
    return f"""
        SELECT 'N' || request_id AS alert_id, (CASE WHEN rnd(k, 67) < 0.6 THEN 'N12' ELSE 'N13' END)::e_alert_code
               AS alert_code, 'dcc'::e_alert_kind AS alert_kind, device_id, device_type, smets, csp_region, user_id, request_id,
               {at} AS received_at, {delivery('hash(k, 68)', at)} AS delivered_at, false AS suppressed,
               ukday({at}) AS day, NULL::VARCHAR AS tag
        FROM {table} WHERE batch = {batch} AND failed_alert
    """
