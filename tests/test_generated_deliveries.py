"""The generator delivers incidents and outages day by day as they change, alerts sent
after their day unsent and again sent the next day, and some days' response files
twice; staging keeps one row per incident, outage or alert, the latest (raw-extracts.md;
decision log), counts re-delivered rows once, and accounts for every row. The
expected rows and counts are worked out here from the landing files, not by the models."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pmr.contract import CONTRACT
from pmr.dbt_runner import run_dbt
from pmr.generator import generate
from pmr.ingest import ingest

START, DAYS, SCALE, SEED = dt.date(2026, 10, 1), 20, 0.0002, 5
INCIDENT_COLUMNS = ("incident_id, category, raised_at, responded_at, resolved_at, closed_at, responsible_party, "
                    "service, csp_region, title")
OUTAGE_COLUMNS = "outage_id, component, started_at, ended_at, planned, csp_region, description"
ALERT_COLUMNS = ("alert_id, alert_code, alert_kind, device_id, device_type, smets, csp_region, user_id, request_id, "
                 "received_at, delivered_at, suppressed")
# the contract's order of an id's deliveries, latest first
LATEST_FIRST = {"incidents": "greatest(raised_at, responded_at, resolved_at, closed_at) DESC",
                "outages": "ended_at DESC NULLS LAST",
                "alerts": "delivered_at DESC NULLS LAST"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("deliveries")
    landing, db = root / "landing", root / "warehouse.duckdb"
    generate(START, DAYS, SCALE, SEED, landing)
    con = duckdb.connect(str(db))
    try:
        ingest(con, landing)
    finally:
        con.close()
    result = run_dbt(["build", "--select", "+stg_incidents +stg_outages +stg_alerts +landing_accounting",
                      "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"],
                     db, period="2026-10")
    assert result.ok, result.log_tail
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    yield landing, con
    con.close()


def delivered(landing, source: str, *times: str) -> str:
    """The source's rows as delivered, times as UTC timestamps like the staged ones."""
    utc = ", ".join(f"timezone('UTC', {t}) AS {t}" for t in times)
    return f"(SELECT * REPLACE ({utc}) FROM read_parquet('{landing}/{source}/*.parquet'))"


def rows(con, sql):
    return sorted(con.execute(sql).fetchall(), key=repr)


def latest_deliveries(con, files: str, source: str, key: str, columns: str):
    return rows(con, f"""SELECT {columns} FROM {files}
                         QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {LATEST_FIRST[source]}) = 1""")


def test_each_incident_stages_as_its_latest_delivery(built):
    landing, con = built
    files = delivered(landing, "incidents", "raised_at", "responded_at", "resolved_at", "closed_at")
    delivered_again = con.execute(f"SELECT count(*) FROM (SELECT incident_id FROM {files} "
                                  "GROUP BY incident_id HAVING count(*) > 1)").fetchone()[0]
    assert delivered_again > 0
    assert rows(con, f"SELECT {INCIDENT_COLUMNS} FROM staging.stg_incidents") == \
        latest_deliveries(con, files, "incidents", "incident_id", INCIDENT_COLUMNS)


@pytest.mark.parametrize(("source", "key", "times", "filled", "columns"), [
    ("outages", "outage_id", ("started_at", "ended_at"), "ended_at", OUTAGE_COLUMNS),  # ongoing, then ended
    ("alerts", "alert_id", ("received_at", "delivered_at"), "delivered_at", ALERT_COLUMNS),  # unsent, then sent
])
def test_a_record_delivered_again_with_a_value_filled_in_stages_with_it(built, source, key, times, filled, columns):
    landing, con = built
    files = delivered(landing, source, *times)
    assert con.execute(f"SELECT count(*) FROM {files} WHERE {filled} IS NULL AND {key} IN "
                       f"(SELECT {key} FROM {files} WHERE {filled} IS NOT NULL)").fetchone()[0] > 0
    assert rows(con, f"SELECT {columns} FROM staging.stg_{source}") == \
        latest_deliveries(con, files, source, key, columns)


def test_earlier_deliveries_are_counted_as_superseded(built):
    landing, con = built
    for source, key in (("incidents", "incident_id"), ("outages", "outage_id"), ("alerts", "alert_id")):
        expected = dict(con.execute(f"""
            SELECT parse_filename(filename), count(*) FILTER (WHERE version > 1)
            FROM (SELECT filename, row_number() OVER (PARTITION BY {key} ORDER BY {LATEST_FIRST[source]}) AS version
                  FROM read_parquet('{landing}/{source}/*.parquet', filename = true))
            GROUP BY ALL""").fetchall())
        assert sum(expected.values()) > 0, source
        accounted = dict(con.execute(
            "SELECT parse_filename(file), superseded FROM staging.landing_accounting WHERE source = ? AND rows_read > 0",
            [source]).fetchall())
        assert accounted == expected, source


def test_every_delivery_is_accepted_and_counted(built):
    landing, con = built
    for source in ("incidents", "outages", "alerts"):
        per_file = dict(con.execute(  # the row counts of the files' footers
            f"SELECT parse_filename(file_name), num_rows FROM parquet_file_metadata('{landing}/{source}/*.parquet')"
        ).fetchall())
        accounted = {file.split("/")[-1]: (read, accepted, duplicates, quarantined)
                     for file, read, accepted, duplicates, quarantined in con.execute(
                         "SELECT file, rows_read, accepted, duplicates, quarantined FROM staging.landing_accounting "
                         "WHERE source = ?", [source]).fetchall()}
        assert accounted == {name: (n, n, 0, 0) for name, n in per_file.items()}, source


def test_a_resent_response_file_counts_as_duplicates(built):
    landing, con = built
    files = sorted((landing / "service_responses").glob("*.resent.parquet"))
    assert len(files) == 2  # 3 per 31 days
    columns = ", ".join(c.name for c in CONTRACT["service_responses"])
    # a row is a duplicate when the same row is in a file earlier by name
    expected = dict(con.execute(f"""
        SELECT parse_filename(filename), count(*) FILTER (WHERE copy > 1)
        FROM (SELECT filename, row_number() OVER (PARTITION BY {columns} ORDER BY filename) AS copy
              FROM read_parquet('{landing}/service_responses/*.parquet', filename = true))
        GROUP BY ALL""").fetchall())
    assert all(expected[f.name] > 0 for f in files)
    assert sum(expected.values()) == sum(expected[f.name] for f in files)
    accounted = dict(con.execute(
        "SELECT parse_filename(file), duplicates FROM staging.landing_accounting WHERE source = 'service_responses'"
    ).fetchall())
    assert accounted == expected
