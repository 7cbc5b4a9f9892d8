"""ENUM types for the low-cardinality text columns of the big sources.

The held rows of requests, responses and alerts keep these columns as DuckDB ENUMs: a
one-byte code per row instead of a string makes inserting, scanning and writing them
much cheaper (Parquet gets the dictionary it would otherwise build). Files still hold
plain text: an ENUM is written as a string column, the same as VARCHAR.

Values are listed in text order, so sorting on an ENUM column orders as on the text.
A value missing from a list stops generation with a conversion error, never silently.
"""

from __future__ import annotations

import duckdb

from pmr.generator.context import N_DNOS, N_SUPPLIERS, SEGMENTS, read_seed

# Internal codes of `fc` beyond the response codes: no response at all, acknowledgement only.
SPECIAL_FINAL_CODES = ("NONE", "NOFINAL")
USER_ROLES = ("ED", "ES", "GS", "GT", "IS", "OU", "RSA")  # the roles requests.py and chains.py assign


def _values() -> dict[str, list[str]]:
    from pmr.generator.alerts import DEVICE_CODES, DEVICE_TYPES  # alerts -> requests import this module

    users = ([f"SUP{i:03d}" for i in range(1, N_SUPPLIERS + 1)] + [f"DNO{i:02d}" for i in range(1, N_DNOS + 1)]
             + [f"OTH0{i}" for i in range(1, 6)] + [f"GTR0{i}" for i in range(1, 5)] + ["RSA01", "RSA02"])
    alert_codes = {r["alert_code"] for r in read_seed("alert_codes.csv")} | {c.strip("'") for c, _ in DEVICE_CODES}
    values = {
        "e_srv": {r["srv"] for r in read_seed("srv_catalogue.csv")},
        "e_device_type": {t.strip("'") for t, _ in DEVICE_TYPES},
        "e_smets": {s.smets for s in SEGMENTS},
        "e_region": {s.region for s in SEGMENTS if s.region},
        "e_user_role": set(USER_ROLES),
        "e_user_id": set(users),
        "e_code": {r["response_code"] for r in read_seed("response_codes.csv")} | set(SPECIAL_FINAL_CODES),
        "e_alert_code": alert_codes,
        "e_alert_kind": {"dcc", "device"},
    }
    return {name: sorted(vals) for name, vals in values.items()}


# column -> ENUM type, for the columns of requests, responses and alerts (and `fc`, the final code)
ENUM_COLUMNS = {
    "srv": "e_srv", "device_type": "e_device_type", "smets": "e_smets", "csp_region": "e_region",
    "user_role": "e_user_role", "user_id": "e_user_id", "response_code": "e_code", "fc": "e_code",
    "alert_code": "e_alert_code", "alert_kind": "e_alert_kind",
}
ENUM_SOURCES = ("service_requests", "service_responses", "alerts")


# SQL of a row's segment columns from its segment index g (0-2 SMETS2 regions, 3 SMETS1),
# as ENUM constants so that no row pays for a cast.
SMETS_OF_SEGMENT = "(CASE WHEN g = 3 THEN 'SMETS1'::e_smets ELSE 'SMETS2'::e_smets END)"
REGION_OF_SEGMENT = "((['North', 'Central', 'South', NULL]::e_region[])[g + 1])"


def code(value: str) -> str:
    """SQL constant of a response code (or NONE / NOFINAL) as the e_code ENUM."""
    return f"'{value}'::e_code"


def create_enum_types(con: duckdb.DuckDBPyConnection) -> None:
    for name, values in _values().items():
        con.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(repr(v) for v in values)})")


def internal_type(source: str, column: str) -> str | None:
    """The ENUM type a column of `source` is held as, or None (kept as its contract type)."""
    return ENUM_COLUMNS.get(column) if source in ENUM_SOURCES else None
