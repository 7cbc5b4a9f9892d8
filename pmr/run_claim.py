"""Which run the warehouse is working for, so that two runs never mix their steps.

DuckDB lets one process write the warehouse at a time, but a run is several steps
and each opens the warehouse anew and closes it: `pmr run`'s steps one after another,
a Dagster run's assets one at a time (its dbt build in a dbt process; a re-execution
in a new run worker). Another run can open it between two of them.
A run of another month rebuilds the marts for its own period, and the first run's
gate and report would then read that month's figures as its own.

So the first step of a run that writes the warehouse claims it (raw.run_claim holds
the run's token), and every later step checks, on the connection it then works on,
that the claim is still its own. A run that finds another run's claim stops with
WarehouseTakenOver before it reads or writes anything, and publishes nothing; the
run that took the warehouse goes on. The dbt build checks the claim too, in its
on-run-start hook (macros/check_run_claim.sql), so dbt never builds for a run that
has lost the warehouse. The report is rendered on one connection checked at its
start, and DuckDB keeps every other process out while it is open, so a published
report reads one run's warehouse throughout.
"""

from __future__ import annotations

import duckdb

from pmr.run_log import RunLog, utc_now_iso
from pmr.warehouse import WarehouseLocked

CLAIM_TABLE = "raw.run_claim"


class WarehouseTakenOver(WarehouseLocked):
    """Another run used the warehouse between two steps of this run."""


def hold(con: duckdb.DuckDBPyConnection, log: RunLog) -> None:
    """Claim the warehouse for `log`'s run at its first writing step; at every later
    step, raise WarehouseTakenOver unless the claim is still the run's own."""
    if log.claimed_at is None:
        _claim(con, log)
    else:
        check(con, log)


def check(con: duckdb.DuckDBPyConnection, log: RunLog) -> None:
    """WarehouseTakenOver unless `log`'s run still holds the warehouse. A run that has
    not claimed it (it wrote nothing: a re-executed Dagster step that only reads) is
    not checked; its gate refuses to publish anyway (pmr.pipeline.gate_outcome)."""
    if log.claimed_at is None:
        return
    holder = current_holder(con)
    if holder is None or holder[0] != log.claim:
        raise WarehouseTakenOver(taken_over_message(log, holder))


def current_holder(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str, str] | None:
    """(token, description, month, claimed at) of the run holding the warehouse, if any."""
    try:
        return con.execute(f"select claim, description, month, claimed_at from {CLAIM_TABLE}").fetchone()
    except duckdb.CatalogException:  # a warehouse no run has claimed
        return None


def taken_over_message(log: RunLog, holder: tuple[str, str, str, str] | None) -> str:
    other = (f"{holder[1]} of {holder[2]} claimed it at {holder[3]}" if holder
             else "something removed the claim (a new or replaced warehouse file)")
    return (f"The warehouse {log.warehouse} was used by another run between two steps of this run "
            f"(this run claimed it at {log.claimed_at}; since then {other}). This run stops "
            f"before reading figures that may be the other run's, and publishes nothing. "
            f"Run {log.month} again when the other run has finished.")


def _claim(con: duckdb.DuckDBPyConnection, log: RunLog) -> None:
    log.claimed_at = record_claim(con, log.claim, describe(log), log.month)


def record_claim(con: duckdb.DuckDBPyConnection, claim: str, description: str, month: str) -> str:
    """Make `claim` the warehouse's one claim (raw.run_claim); returns when, as ISO text."""
    claimed_at = utc_now_iso()
    con.execute("create schema if not exists raw")
    con.execute(f"create table if not exists {CLAIM_TABLE} "
                "(claim varchar, description varchar, month varchar, claimed_at varchar)")
    con.execute(f"delete from {CLAIM_TABLE}")
    con.execute(f"insert into {CLAIM_TABLE} values (?, ?, ?, ?)", [claim, description, month, claimed_at])
    return claimed_at


def describe(log: RunLog) -> str:
    return f"Dagster run {log.run_id}" if log.run_id else f"a {log.orchestrator} started at {log.started_at}"
