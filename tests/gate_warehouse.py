"""Small hand-made warehouses holding just what the publication gate reads (no dbt):
a consistent month by default, broken one rule at a time by the tests of
test_gate.py; and the gate's verdict on them."""

from pathlib import Path

import duckdb

from pmr import PROJECT_DIR, gate
from pmr.contract import column_names
from pmr.gate import DAYS_CHECK
from pmr.landing_reach import write_metric_status

MONTH = "2026-10"
SEGMENT_VOLUMES = {"North": 3.0, "Central": 2.0, "South": 1.0, "SMETS1": 1.0}


def _seed(con, name: str) -> None:
    con.execute(
        f"create table reference.{name} as select * from read_csv(?, header = true, all_varchar = false)",
        [str(PROJECT_DIR / "seeds" / f"{name}.csv")],
    )


# The staged columns the gate reads of the other four sources, and a row of each in October.
OTHER_SOURCES = {
    "csp_test_messages": ("sent_at timestamp", [("2026-10-05T10:00:00",)]),
    "outages": ("started_at timestamp, ended_at timestamp", [("2026-09-30T12:00:00", None)]),  # still going
    "incidents": ("raised_at timestamp", [("2026-10-07T09:00:00",)]),
    "ch_firmware_events": ("event_at timestamp", [("2026-10-31T23:59:00",)]),
}


def _insert(con, table: str, rows: list[tuple]) -> None:
    """Insert `rows` into `table` in one statement (through a data frame: a month of
    hourly rows row by row took minutes); text becomes the columns' types."""
    import pandas as pd

    con.register("rows_to_insert", pd.DataFrame(rows))
    con.execute(f"insert into {table} select * from rows_to_insert")
    con.unregister("rows_to_insert")


def make_warehouse(path: Path, *, figures=None, accounting=None, requests=None, alerts=None, responses=None,
                   quarantine_max_pct=1.0, declared_without_figures=(), follow_up=None, other_sources=None,
                   lacking=None, quarantined=None, uncounted=()) -> Path:
    """A warehouse with just what the gate reads. Defaults: a consistent month with
    prepayment_top_up traffic in every segment, every file read having every contract
    column but those `lacking` names (file -> columns), which it has renamed <column>_renamed,
    and every file's rows counted but those of the files `uncounted` names."""
    con = duckdb.connect(str(path))
    for schema in ("raw", "reference", "staging", "metrics"):
        con.execute(f"create schema {schema}")
    for seed in ("business_process_srvs", "srv_catalogue", "business_processes", "business_process_alerts",
                 "service_components"):
        _seed(con, seed)
    con.execute("create table reference.parameters (parameter varchar, value double)")
    con.execute("insert into reference.parameters values ('quarantine_max_pct', ?)", [quarantine_max_pct])
    con.execute(
        """create table staging.landing_accounting (source varchar, file varchar, format varchar, status varchar,
           error varchar, rows_read bigint, accepted bigint, duplicates bigint, quarantined bigint)"""
    )
    accounting = accounting if accounting is not None else [
        ("service_requests", "service_requests/a.csv", "csv", "loaded", None, 1000, 995, 0, 5),
        ("service_responses", "service_responses/a.csv", "csv", "loaded", None, 800, 790, 10, 0),
        # every source delivered a file: the others' extracts are empty
        *((source, f"{source}/a.csv", "csv", "loaded", None, 0, 0, 0, 0)
          for source in ("alerts", "csp_test_messages", "outages", "incidents", "ch_firmware_events")),
    ]
    con.executemany("insert into staging.landing_accounting values (?, ?, ?, ?, ?, ?, ?, ?, ?)", accounting)
    if quarantined is not None:  # (source, file, reason) of each quarantined row
        con.execute("create table staging.quarantined_rows (source varchar, file varchar, row_number bigint, "
                    "raw_values varchar, reason varchar)")
        con.executemany("insert into staging.quarantined_rows values (?, ?, 1, '{}', ?)", quarantined)
    con.execute("create table raw.landing_files (file varchar, columns varchar[], other_columns varchar[], "
                "all_rows_counted boolean)")
    lacking = lacking or {}
    con.executemany("insert into raw.landing_files values (?, ?, ?, ?)", [
        (file, [] if status != "loaded" else [c for c in column_names(source) if c not in lacking.get(file, ())],
         [f"{c}_renamed" for c in lacking.get(file, ())], file not in uncounted)
        for source, file, _, status, *_ in accounting])
    con.execute(
        """create table staging.stg_service_requests (request_id varchar, received_at timestamp, srv varchar,
           command_variant bigint, device_type varchar, smets varchar, csp_region varchar)"""
    )
    if requests is None:
        requests, n = [], 0
        for segment, volume in SEGMENT_VOLUMES.items():
            for _ in range(int(volume)):
                n += 1
                smets = "SMETS1" if segment == "SMETS1" else "SMETS2"
                requests.append((f"R{n}", f"2026-10-0{n}T12:00:00", "2.2", 1, "ESME", smets,
                                 None if smets == "SMETS1" else segment))
        requests.append(("T1", "2026-10-02T12:00:00", "2.2", 4, "ESME", "SMETS2", "North"))  # Transform
        requests.append(("S1", "2026-09-30T22:30:00", "2.2", 1, "ESME", "SMETS2", "North"))  # 23:30 BST: Sept
    if requests:
        _insert(con, "staging.stg_service_requests", requests)
    con.execute("create table staging.stg_service_responses (request_id varchar, response_at timestamp)")
    responses = responses if responses is not None else [("R1", "2026-10-01T12:00:04")]
    if responses:
        _insert(con, "staging.stg_service_responses", responses)
    con.execute(
        """create table staging.stg_alerts (alert_id varchar, alert_code varchar, received_at timestamp,
           suppressed boolean)"""
    )
    alerts = alerts if alerts is not None else [("A1", "8F0A", "2026-10-03T08:00:00", False)]  # in no process
    if alerts:
        _insert(con, "staging.stg_alerts", alerts)
    for source, (columns, rows) in OTHER_SOURCES.items():
        rows = (other_sources or {}).get(source, rows)
        con.execute(f"create table staging.stg_{source} ({columns})")
        if rows:
            con.executemany(f"insert into staging.stg_{source} values ({', '.join('?' * len(rows[0]))})", rows)
    con.execute(
        """create table metrics.pmr_metrics (metric_id varchar, requirement varchar, kind varchar, period varchar,
           day date, business_process varchar, segment varchar, device_type varchar, service varchar,
           time_band varchar, category varchar, value double, unit varchar, target double, minimum double,
           model varchar)"""
    )
    if figures is None:
        figures = default_figures()
    rows = [
        (f["metric_id"], "R1", f.get("kind", "indicator"), f.get("period", MONTH), f.get("day"),
         f.get("business_process"), f.get("segment"), f.get("device_type"), f.get("service"), f.get("time_band"),
         None, f["value"], f["unit"], None, None,
         "metric_test")
        for f in figures
    ]
    if rows:
        con.executemany("insert into metrics.pmr_metrics values (" + ", ".join(["?"] * 16) + ")", rows)
    con.execute("create table metrics.metric_catalogue (metric_id varchar, fractional boolean, follow_up_s double, "
                "requests_received_to_s double, requirement varchar, sources varchar)")
    fractional = {f["metric_id"]: bool(f.get("fractional")) for f in figures}
    fractional.update({metric_id: False for metric_id in declared_without_figures})
    fractional.update({metric_id: False for metric_id in (follow_up or {}) if metric_id not in fractional})
    if fractional:
        con.executemany("insert into metrics.metric_catalogue (metric_id, fractional, follow_up_s) values (?, ?, ?)",
                        [(metric_id, flag, (follow_up or {}).get(metric_id)) for metric_id, flag in fractional.items()])
    write_metric_status(con, MONTH)  # as the collect step does, beside the catalogue
    con.close()
    return path


def default_figures() -> list[dict]:
    figures = []
    for segment, volume in {**SEGMENT_VOLUMES, "All": sum(SEGMENT_VOLUMES.values())}.items():
        base = dict(business_process="prepayment_top_up", segment=segment)
        figures.append(dict(metric_id="rsvp.volume", unit="count", value=volume, **base))
        figures.append(dict(metric_id="rsvp.pct_within_trt", kind="measure", unit="pct", value=97.5, **base))
        figures.append(dict(metric_id="rsvp.mean_rtt_s", unit="s", value=4.2, **base))
    figures.append(dict(metric_id="rsvp.volume", unit="count", value=4.0, day="2026-10-01",
                        business_process="prepayment_top_up", segment="All"))
    figures.append(dict(metric_id="rsvp.volume", unit="count", value=3.0, day="2026-10-02",
                        business_process="prepayment_top_up", segment="All"))
    figures.append(dict(metric_id="availability.pct", kind="measure", unit="pct", value=99.9))
    figures.append(dict(metric_id="availability.pct", kind="measure", unit="pct", value=99.5, segment="North",
                        service="dcc_user_interface", time_band="active"))
    figures.append(dict(metric_id="cos.requests", unit="count", value=2.0, segment="All", device_type="GSME"))
    return figures


def evaluate(path: Path, dbt_checks=None, every_day=False, allow_missing_days=False) -> dict[str, gate.CheckResult]:
    """The gate's checks by name. The hand-made warehouses have data on a few days
    only, so the check that every day has data is left out unless `every_day`."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        checks = gate.evaluate(con, MONTH, dbt_checks or [], allow_missing_days=allow_missing_days)
    finally:
        con.close()
    return {c.name: c for c in checks if every_day or c.name != DAYS_CHECK}


def failed(checks: dict[str, gate.CheckResult]) -> dict[str, gate.CheckResult]:
    return {name: c for name, c in checks.items() if not c.passed}
