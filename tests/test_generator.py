"""`pmr generate`: synthetic extracts obey the landing contract, are deterministic, and
carry the realism that the metrics and detectors rely on."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pmr import SOURCES
from pmr.contract import (ALERT_KINDS, CH_FIRMWARE_EVENTS, CONTRACT, CSP_REGIONS, DEVICE_TYPES, DUCKDB_TYPES, SMETS,
                          USER_ROLES, column_names)
from pmr.generator import generate
from tests.helpers import read_seed

START = dt.date(2026, 10, 1)  # Thursday: two Working Days and a weekend
DAYS = 4
SCALE = 0.0005
SEED = 7
# the time that puts a row in the file of its UK day; an alert sent after its day is in
# that day's file unsent, then in the next day's, sent
MAIN_TS = {"service_requests": "received_at", "service_responses": "response_at",
           "alerts": "coalesce(delivered_at, received_at)",
           "csp_test_messages": "sent_at", "outages": "started_at", "incidents": "raised_at",
           "ch_firmware_events": "event_at"}
SEGMENT_SQL = "coalesce(csp_region, 'SMETS1')"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("gen")
    messages: list[str] = []
    summary = generate(START, DAYS, SCALE, SEED, base / "a" / "demo", progress=messages.append)
    return base, summary, messages


@pytest.fixture(scope="module")
def con(run):
    base, _, _ = run
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    for source in SOURCES:
        c.execute(f"CREATE VIEW {source} AS SELECT * FROM read_parquet('{base}/a/demo/{source}/*.parquet')")
    return c


@pytest.fixture(scope="module")
def landing(run):
    return run[0] / "a" / "demo"


@pytest.fixture(scope="module")
def truth(run):
    base, summary, _ = run
    path = Path(summary["ground_truth"])
    assert path == base / "a" / "demo.ground_truth.json"
    return json.loads(path.read_text())


def q(con, sql):
    return con.execute(sql).fetchall()


def test_summary_and_progress(run):
    _, summary, messages = run
    assert set(summary["rows"]) == set(SOURCES)
    assert summary["rows"]["service_requests"] > 10_000
    assert summary["rows"]["service_responses"] > summary["rows"]["service_requests"]
    assert summary["rows"]["alerts"] > 2 * summary["rows"]["service_requests"]
    assert summary["seconds"] > 0 and summary["request_rows_per_s"] > 0
    assert any(m.startswith("service_requests 2026-10-02 (2/4)") for m in messages)


def test_one_file_per_source_and_uk_day(run, con):
    base, summary, _ = run
    for source in SOURCES:
        names = sorted(p.name for p in (base / "a" / "demo" / source).iterdir())
        assert names == [f"{START + dt.timedelta(days=i)}.parquet" for i in range(DAYS)], source
        assert q(con, f"SELECT count(*) FROM {source}")[0][0] == summary["rows"][source]
        if source in ("outages", "incidents"):
            continue  # delivered on each day they change: test_incidents_outages_and_alerts_are_delivered_as_they_change
        # every row sits in the file of the UK day of its main timestamp
        bad = q(con, f"""SELECT count(*) FROM read_parquet('{base}/a/demo/{source}/*.parquet', filename=true)
                        WHERE strftime(timezone('Europe/London', {MAIN_TS[source]}), '%Y-%m-%d')
                              <> regexp_extract(filename, '(\\d{{4}}-\\d\\d-\\d\\d)', 1)""")[0][0]
        assert bad == 0, source


def test_schema_and_column_order_equal_the_contract(run):
    base, _, _ = run
    c = duckdb.connect()
    for source in SOURCES:
        for path in sorted((base / "a" / "demo" / source).glob("*.parquet")):
            described = c.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
            assert [r[0] for r in described] == column_names(source), path
            expected = ["TIMESTAMP WITH TIME ZONE" if col.type == "timestamp" else DUCKDB_TYPES[col.type]
                        for col in CONTRACT[source]]
            assert [r[1] for r in described] == expected, path


def test_required_values_present(con):
    for source, cols in CONTRACT.items():
        for col in cols:
            if col.required:
                assert q(con, f"SELECT count(*) FROM {source} WHERE {col.name} IS NULL")[0][0] == 0, (source, col.name)
    for source in ("service_requests", "alerts"):
        assert q(con, f"SELECT count(*) FROM {source} WHERE smets = 'SMETS2' AND csp_region IS NULL")[0][0] == 0
        assert q(con, f"SELECT count(*) FROM {source} WHERE smets = 'SMETS1' AND csp_region IS NOT NULL")[0][0] == 0


def _values(con, sql):
    return {r[0] for r in q(con, sql)}


def test_enumerations_and_codes_valid(con):
    srvs = {r["srv"] for r in read_seed("srv_catalogue")}
    codes = {r["response_code"] for r in read_seed("response_codes")}
    dcc_codes = {r["alert_code"] for r in read_seed("alert_codes") if r["alert_kind"] == "dcc"}
    components = {r["component"] for r in read_seed("service_components")}
    assert _values(con, "SELECT srv FROM service_requests") <= srvs
    assert _values(con, "SELECT user_role FROM service_requests") <= set(USER_ROLES)
    assert {"IS", "GS", "ED"} <= _values(con, "SELECT user_role FROM service_requests")
    for source in ("service_requests", "alerts"):
        assert _values(con, f"SELECT device_type FROM {source} WHERE device_type IS NOT NULL") <= set(DEVICE_TYPES)
        assert _values(con, f"SELECT smets FROM {source}") == set(SMETS)
        assert _values(con, f"SELECT csp_region FROM {source} WHERE csp_region IS NOT NULL") == set(CSP_REGIONS)
    assert _values(con, "SELECT command_variant FROM service_requests") <= set(range(1, 9))
    assert _values(con, "SELECT response_code FROM service_responses") <= codes
    assert _values(con, "SELECT alert_kind FROM alerts") == set(ALERT_KINDS)
    assert _values(con, "SELECT alert_code FROM alerts WHERE alert_kind = 'dcc'") <= dcc_codes
    device_codes = _values(con, "SELECT alert_code FROM alerts WHERE alert_kind = 'device'")
    assert all(re.fullmatch(r"[0-9A-F]{4}", code) for code in device_codes)
    assert _values(con, "SELECT component FROM outages") <= components
    assert _values(con, "SELECT csp_region FROM csp_test_messages") == set(CSP_REGIONS)
    assert _values(con, "SELECT event FROM ch_firmware_events") <= set(CH_FIRMWARE_EVENTS)
    assert _values(con, "SELECT csp_region FROM ch_firmware_events") <= set(CSP_REGIONS)
    assert _values(con, "SELECT category FROM incidents") <= {1, 2, 3, 4, 5}
    # SRVs that do not apply to SMETS1 never target it
    not_s1 = {r["srv"] for r in read_seed("srv_catalogue") if r["applies_to_smets1"] == "false"}
    assert not _values(con, "SELECT srv FROM service_requests WHERE smets = 'SMETS1'") & not_s1


def test_ids_unique(con, landing):
    total, distinct = q(con, "SELECT count(*), count(DISTINCT request_id) FROM service_requests")[0]
    assert total == distinct > 0
    # an alert sent after the end of its day is delivered again the next day (below), once
    total, distinct = q(con, "SELECT count(*), count(DISTINCT (alert_id, delivered_at IS NULL)) FROM alerts")[0]
    assert total == distinct > 0
    # incidents and outages are delivered again as they change, at most once a day
    for source, key in (("outages", "outage_id"), ("incidents", "incident_id")):
        total, distinct = q(con, f"SELECT count(*), count(DISTINCT ({key}, filename)) FROM "
                                 f"read_parquet('{landing}/{source}/*.parquet', filename = true)")[0]
        assert total == distinct > 0, source


def deliveries(con, landing: Path, source: str, key: str, times: list[str]) -> dict[str, list[tuple]]:
    """Each id's rows in file order: (file's UK day, {timestamp column: value}, other columns)."""
    rows = q(con, f"SELECT regexp_extract(filename, '([0-9-]+)[.]parquet$', 1)::DATE AS day, {key}, "
                  f"{', '.join(times)}, COLUMNS(lambda c: c NOT IN ('filename', '{key}', {', '.join(repr(t) for t in times)})) "
                  f"FROM read_parquet('{landing}/{source}/*.parquet', filename = true) ORDER BY day")
    found: dict[str, list[tuple]] = {}
    for day, ident, *rest in rows:
        found.setdefault(ident, []).append((day, dict(zip(times, rest[:len(times)])), tuple(rest[len(times):])))
    return found


def _uk_day(moment):
    return moment.astimezone(ZoneInfo("Europe/London")).date()


def check_delivered_as_they_change(deliveries: dict[str, list[tuple]]) -> int:
    """Every row shows its id as it stood at the end of its file's UK day, on a day it
    changed, and the last row has every time of the earlier ones; returns how many ids
    were delivered more than once."""
    again = 0
    for ident, rows in deliveries.items():
        *_, (last_day, last_times, last_other) = rows
        change_days = sorted({_uk_day(t) for t in last_times.values() if t is not None})
        assert [day for day, _, _ in rows] == change_days, ident
        for day, times, other in rows:
            assert other == last_other, ident
            assert times == {c: t if t is not None and _uk_day(t) <= day else None
                             for c, t in last_times.items()}, (ident, day)
        again += len(rows) > 1
    return again


def test_incidents_outages_and_alerts_are_delivered_as_they_change(run, con, landing):
    incidents = deliveries(con, landing, "incidents", "incident_id",
                            ["raised_at", "responded_at", "resolved_at", "closed_at"])
    assert check_delivered_as_they_change(incidents) > 0
    check_delivered_as_they_change(deliveries(con, landing, "outages", "outage_id", ["started_at", "ended_at"]))
    # an alert sent after the end of the day it was received: unsent that day, sent the next
    sent_later = check_delivered_as_they_change(deliveries(con, landing, "alerts", "alert_id",
                                                         ["received_at", "delivered_at"]))
    assert sent_later == run[1]["alerts_sent_later"] > 0


def test_times_consistent(con):
    assert q(con, """SELECT count(*) FROM service_responses s JOIN service_requests r USING (request_id)
                     WHERE s.response_at < r.received_at""")[0][0] == 0
    assert q(con, "SELECT count(*) FROM service_responses ANTI JOIN service_requests USING (request_id)")[0][0] == 0
    assert q(con, "SELECT count(*) FROM outages WHERE ended_at < started_at")[0][0] == 0
    assert q(con, """SELECT count(*) FROM incidents WHERE responded_at < raised_at OR resolved_at < raised_at
                     OR closed_at < raised_at OR closed_at < resolved_at""")[0][0] == 0
    assert q(con, "SELECT count(*) FROM alerts WHERE delivered_at < received_at")[0][0] == 0
    # suppressed alerts are never delivered; a few unsuppressed ones are not either
    assert q(con, "SELECT count(*) FROM alerts WHERE suppressed AND delivered_at IS NOT NULL")[0][0] == 0
    assert q(con, "SELECT count(*) FROM alerts WHERE NOT suppressed AND delivered_at IS NULL")[0][0] > 0
    # Future-Dated and scheduled requests are answered after execution
    assert q(con, """SELECT count(*) FROM service_responses s JOIN service_requests r USING (request_id)
                     WHERE r.execution_at IS NOT NULL AND s.response_code NOT IN ('I99') AND s.response_at < r.execution_at
                     AND s.response_code NOT LIKE 'E1%' AND s.response_code NOT IN ('E2','E3','E4','E5')""")[0][0] == 0


def test_critical_requests_have_transform_then_signed_leg(con):
    critical = {r["srv"] for r in read_seed("srv_catalogue") if r["is_critical"] == "true"}
    non_device = {r["srv"] for r in read_seed("srv_catalogue") if r["is_non_device"] == "true"}
    crit_sql = "(" + ", ".join(f"'{s}'" for s in critical) + ")"
    nd_sql = "(" + ", ".join(f"'{s}'" for s in non_device) + ")"
    assert _values(con, f"SELECT command_variant FROM service_requests WHERE srv IN {crit_sql}") <= {4, 5, 6, 7}
    assert _values(con, f"SELECT command_variant FROM service_requests WHERE srv IN {nd_sql}") == {8}
    assert _values(con, f"SELECT command_variant FROM service_requests WHERE srv NOT IN {crit_sql} "
                        f"AND srv NOT IN {nd_sql}") <= {1, 2, 3}
    # every signed pre-command follows a Transform by the same User, for the same SRV and device
    orphans = q(con, """
        SELECT count(*) FROM service_requests s
        WHERE s.command_variant IN (5, 6, 7) AND NOT EXISTS (
            SELECT 1 FROM service_requests t WHERE t.command_variant = 4 AND t.user_id = s.user_id
              AND t.srv = s.srv AND t.device_id = s.device_id AND t.request_id <> s.request_id
              AND t.received_at <= s.received_at AND s.received_at <= t.received_at + INTERVAL 3 HOUR)""")[0][0]
    signed, transforms = q(con, "SELECT count(*) FILTER (command_variant IN (5, 6, 7)), "
                                "count(*) FILTER (command_variant = 4) FROM service_requests")[0]
    assert signed > 100 and orphans <= signed * 0.01  # only legs whose Transform fell before the window
    assert abs(transforms - signed) <= signed * 0.02
    # Transforms are answered quickly with I0 and nothing else
    codes = q(con, """SELECT s.response_code, max(epoch(s.response_at - r.received_at)) FROM service_requests r
                      JOIN service_responses s USING (request_id) WHERE r.command_variant = 4 GROUP BY 1""")
    assert [c[0] for c in codes] == ["I0"] and codes[0][1] <= 2


def test_response_realism(con):
    shares = dict(q(con, "SELECT srv, count(*) / sum(count(*)) OVER () FROM service_requests GROUP BY srv"))
    assert 0.5 < shares["4.6.1"] < 0.75
    scheduled = q(con, "SELECT avg((srv = '4.6.1' AND execution_at IS NOT NULL)::INTEGER) FROM service_requests")[0][0]
    assert 0.45 < scheduled < 0.7
    assert q(con, "SELECT count(*) FROM service_requests WHERE srv = '4.6.1' AND execution_at IS NOT NULL")[0][0] > 0
    assert q(con, "SELECT count(*) FROM service_requests WHERE srv = '4.6.1' AND execution_at IS NULL")[0][0] > 0
    med = dict(q(con, """
        SELECT r.device_type, median(epoch(s.response_at - coalesce(r.execution_at, r.received_at)))
        FROM service_requests r JOIN service_responses s USING (request_id)
        WHERE s.response_code = 'I0' AND r.command_variant IN (1, 2, 3, 5, 6, 7) AND r.srv <> '4.6.1'
           OR s.response_code = 'I0' AND r.srv = '4.6.1'
        GROUP BY 1"""))
    assert 2 < med["ESME"] < 8 and med["GSME"] > 2 * med["ESME"]
    codes = dict(q(con, "SELECT response_code, count(*) FROM service_responses GROUP BY 1"))
    for code in ("I0", "I99", "E20", "E21"):
        assert codes.get(code, 0) > 0, code
    assert any(c.startswith("E1") or c in ("E2", "E3", "E4", "E5") for c in codes)
    # some Non-Device requests end with their acknowledgement only
    assert q(con, """SELECT count(*) FROM service_requests r WHERE command_variant = 8 AND
                     (SELECT list(response_code) FROM service_responses s WHERE s.request_id = r.request_id) = ['I99']""")[0][0] > 0
    # N12/N13 name requests answered I0
    assert q(con, """SELECT count(*) FROM alerts a JOIN service_responses s USING (request_id)
                     WHERE a.alert_code IN ('N12', 'N13') AND s.response_code = 'I0'""")[0][0] > 0


def test_chains(con):
    # top-up retries: same User and device after a failed 2.2
    retries = q(con, """
        WITH t AS (SELECT r.*, s.response_code FROM service_requests r
                   LEFT JOIN service_responses s ON s.request_id = r.request_id AND s.response_code <> 'I99'
                   WHERE srv = '2.2')
        SELECT count(*) FROM t a JOIN t b ON a.user_id = b.user_id AND a.device_id = b.device_id
        WHERE coalesce(a.response_code, 'none') <> 'I0' AND b.received_at > a.received_at""")[0][0]
    assert retries > 0
    # installs: 8.14.1 to a hub, then 8.1.1 to the meters of the same premises
    assert q(con, """SELECT count(*) FROM service_requests h JOIN service_requests c
                     ON split_part(c.device_id, '-', 1) = split_part(h.device_id, '-', 1)
                     WHERE h.srv = '8.14.1' AND h.device_type = 'CHF' AND c.srv = '8.1.1'
                     AND c.received_at > h.received_at""")[0][0] > 0
    # change of supplier followed by the gaining supplier's requests to the same device
    assert q(con, """SELECT count(*) FROM service_requests c JOIN service_requests f
                     ON f.device_id = c.device_id AND f.user_id = c.user_id AND f.received_at > c.received_at
                     WHERE c.srv = '6.23' AND f.srv IN ('1.1.1', '6.8')""")[0][0] > 0
    # firmware alerts name their 11.1
    assert q(con, """SELECT count(*) FROM alerts a JOIN service_requests r USING (request_id)
                     WHERE a.alert_code IN ('8F72', '8F1C') AND r.srv = '11.1' AND a.device_id = r.device_id""")[0][0] > 0
    # power outages: AD1 from hubs then restoration alerts from meters
    assert q(con, "SELECT count(*) FROM alerts WHERE alert_code = 'AD1'")[0][0] > 0
    assert q(con, "SELECT count(*) FROM alerts WHERE alert_code IN ('8F35', '8F36')")[0][0] > 0


def test_an_outages_incident_is_raised_against_a_service_of_its_component(con):
    from pmr.generator.operations import affected_service

    pairs = {(r["service"], r["component"]) for r in read_seed("service_components")}
    raised = q(con, """SELECT DISTINCT i.service, o.component FROM incidents i
                       JOIN outages o ON i.incident_id = 'INC-' || o.outage_id""")
    assert raised and all(pair in pairs for pair in raised)
    # by hand from seeds/service_components.csv: the DCC User Interface for its own
    # components (dsp_core and access_control serve other interfaces too), else the only service
    expected = {"dui_gateway": "dcc_user_interface", "dsp_core": "dcc_user_interface",
                "access_control": "dcc_user_interface", "rdi_gateway": "registration_data_interface",
                "smki_repository": "smki_repository_interface", "smki_ra": "smki_services_interface",
                "ssi_portal": "self_service_interface"}
    values = ", ".join(f"('{component}')" for component in expected)
    assert dict(q(con, f"SELECT component, {affected_service()} FROM (VALUES {values}) t(component)")) == expected


def test_same_seed_same_bytes_other_seed_differs(run, tmp_path):
    base, _, _ = run
    generate(START, DAYS, SCALE, SEED, tmp_path / "b" / "demo")
    first = _digest(base / "a")
    assert first == _digest(tmp_path / "b")
    generate(START, DAYS, SCALE, SEED + 1, tmp_path / "c" / "demo")
    other = _digest(tmp_path / "c")
    assert set(other) == set(first)
    busy = ("service_requests", "service_responses", "alerts", "csp_test_messages", "ch_firmware_events")
    assert all(other[k] != first[k] for k in first if k.count("/") == 2 and k.split("/")[1] in busy)
    assert sum(k.count("/") == 2 and k.split("/")[1] in busy for k in first) == len(busy) * DAYS
    assert other["demo.ground_truth.json"] != first["demo.ground_truth.json"]


def test_csv_has_the_same_rows_as_parquet(run, tmp_path):
    base, _, _ = run
    generate(START, DAYS, SCALE, SEED, tmp_path / "csv" / "demo", fmt="csv")
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
    for source in SOURCES:
        files = sorted((tmp_path / "csv" / "demo" / source).glob("*.csv"))
        assert len(files) == DAYS
        with open(files[1], newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == column_names(source)
        for col in CONTRACT[source]:
            idx = rows[0].index(col.name)
            values = [r[idx] for r in rows[1:] if r[idx] != ""]
            if col.type == "timestamp":
                assert all(iso.fullmatch(v) for v in values), (source, col.name)
            if col.type == "boolean":
                assert set(values) <= {"true", "false"}
        types = ", ".join(f"'{col.name}': '{'VARCHAR' if col.type == 'timestamp' else DUCKDB_TYPES[col.type]}'"
                          for col in CONTRACT[source])
        cast = ", ".join(f"{col.name}::TIMESTAMPTZ AS {col.name}" if col.type == "timestamp" else col.name
                         for col in CONTRACT[source])
        c.execute(f"""CREATE OR REPLACE VIEW c AS SELECT {cast} FROM read_csv('{tmp_path}/csv/demo/{source}/*.csv',
                      header = true, columns = {{{types}}})""")
        c.execute(f"CREATE OR REPLACE VIEW p AS SELECT * FROM '{base}/a/demo/{source}/*.parquet'")
        n_csv, n_pq = c.execute("SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM p)").fetchone()
        assert n_csv == n_pq > 0, source
        diff = c.execute("SELECT count(*) FROM (SELECT * FROM c EXCEPT ALL SELECT * FROM p)").fetchone()[0]
        assert diff == 0, source


def test_generation_floor_writes_request_files_of_the_same_shape(run, tmp_path):
    """The bench's generation floor must write what the generator writes (same columns,
    types and one file per day), or its rate would not be a floor for the same work."""
    from pmr.bench import generation_floor

    base, _, _ = run
    assert generation_floor(7_000, 7, folder=tmp_path) > 0
    files = sorted(tmp_path.glob("*.parquet"))
    assert len(files) == 7
    c = duckdb.connect()
    generated = next((base / "a" / "demo" / "service_requests").glob("*.parquet"))
    assert c.execute(f"DESCRIBE SELECT * FROM '{files[0]}'").fetchall() == \
        c.execute(f"DESCRIBE SELECT * FROM '{generated}'").fetchall()
    assert c.execute(f"SELECT count(*), count(DISTINCT request_id) FROM read_parquet('{tmp_path}/*.parquet')"
                     ).fetchone() == (7_000, 7_000)
