"""Staging on a hand-made landing folder holding every kind of bad row: each row
read is accepted, counted as a duplicate, or quarantined with its reason, and
rows read = accepted + duplicates + quarantined per file. Every expected count
below is worked out by hand from the rows written here."""

import duckdb
import pytest

from pmr.contract import CONTRACT
from tests.helpers import STAGING_T as T
from tests.helpers import alert_row as alert
from tests.helpers import build_warehouse, query, write_csv
from tests.helpers import request_row as req

MONTH = "2026-10"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("staging")
    landing = root / "landing"
    # service_requests/a_good.csv: 5 rows, all accepted; r6 is SMETS1 with a known region, which is ignored;
    # r7's SRV (4.1.1, Read Instantaneous Import Registers) is not one MP122 measures: a request all the same
    write_csv(landing, "service_requests", [req("r1"), req("r2"), req("r3", srv="1.1.1", command_variant=5),
                                            req("r6", smets="SMETS1", csp_region="North"),
                                            req("r7", srv="4.1.1")], name="a_good.csv")
    # b_redelivered.csv: r1 again (exact copy: duplicate) and r4 (new: accepted)
    write_csv(landing, "service_requests", [req("r1"), req("r4")], name="b_redelivered.csv")
    # c_bad.csv: 14 rows, 14 quarantined with the reasons noted
    write_csv(landing, "service_requests", [
        req(None),                                        # missing required value: request_id
        req("b2", received_at="yesterday"),               # unparsable timestamp: received_at
        req("b3", srv="SRV 2.2"),                         # invalid srv: not an SRV number
        req("b4", user_role="XX"),                        # unknown user_role
        req("b5", command_variant=9),                     # invalid command_variant: not 1-8
        req("b6", command_variant="x"),                   # invalid integer: command_variant
        req("b7", csp_region=None),                       # missing required value: csp_region (SMETS2)
        req("b8", csp_region="East"),                     # unknown csp_region
        req("b9", smets="SMETS1", csp_region=None, srv="8.14.1", command_variant=8, device_type="CHF"),
                                                          # srv not applicable to SMETS1
        req("b10", device_type="TOASTER"),                # unknown device_type
        req("b11", dsp_processing_ms=5),                  # conflicting contents (with the next row)
        req("b11", dsp_processing_ms=6),
        req("b12", smets="SMETS1", csp_region="Mars"),    # unknown csp_region, on a SMETS1 row too
        req("b13", dsp_processing_ms=-1),                 # invalid dsp_processing_ms: negative
    ], name="c_bad.csv")
    # d_missing_column.csv: 2 rows, no srv column: file skipped, both rows quarantined
    write_csv(landing, "service_requests", [req("m1"), req("m2")], name="d_missing_column.csv",
              columns=[c.name for c in CONTRACT["service_requests"] if c.name != "srv"])
    # e_garbage.parquet: not Parquet at all: skipped, 0 rows read
    (landing / "service_requests" / "e_garbage.parquet").write_bytes(b"this is not a parquet file")
    # f_malformed.csv: a good row, a row with one field too many (malformed line), a good row
    path = write_csv(landing, "service_requests", [req("f1"), req("f2")], name="f_malformed.csv")
    lines = path.read_text().splitlines()
    lines.insert(2, lines[1].replace("f1", "f9") + ",extra")
    path.write_text("\n".join(lines) + "\n")
    # g_parquet.parquet: r2 again (same values as the CSV row: duplicate across formats), r5 (accepted) and
    # o1, whose execution_at is out of range (quarantined)
    out_of_range = req("o1", execution_at="2150-01-01T00:00:00Z")
    csv_path = write_csv(landing / "tmp", "service_requests", [req("r2"), req("r5"), out_of_range], name="g.csv")
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"""copy (select request_id, cast(received_at as timestamptz) as received_at, user_id, user_role,
                    srv, cast(command_variant as bigint) as command_variant, device_id, device_type, smets,
                    csp_region, cast(execution_at as timestamptz) as execution_at,
                    cast(dsp_processing_ms as bigint) as dsp_processing_ms
                    from read_csv('{csv_path}', all_varchar = true))
                    to '{landing}/service_requests/g_parquet.parquet' (format parquet)""")
    con.close()
    csv_path.unlink()
    # h_out_of_range.csv: o1 again, the same instant written in another zone: a duplicate of the Parquet
    # row, although the two texts of the value that does not convert differ
    write_csv(landing, "service_requests", [dict(out_of_range, execution_at="2150-01-01T01:00:00+01:00")],
              name="h_out_of_range.csv")

    write_csv(landing, "service_responses", [
        dict(request_id="r1", response_at="2026-10-05T10:00:04Z", response_code="I0"),   # accepted
        dict(request_id="r1", response_at="2026-10-05T10:00:04Z", response_code="I0"),   # duplicate
        dict(request_id="r2", response_at="2026-10-05T09:59:00Z", response_code="I0"),   # response before its request
        dict(request_id="r3", response_at="2026-10-05T10:00:09Z", response_code="X1"),   # unknown response_code
        dict(request_id="zz", response_at="2026-10-05T10:00:09Z", response_code="I0"),   # unknown request: accepted
    ])

    write_csv(landing, "alerts", [
        alert("a1"),                                                 # accepted
        alert("a2", suppressed="true"),                              # suppressed alert with a delivered_at
        alert("a3", delivered_at="2026-10-05T09:00:00Z"),            # end before start
        alert("a4", alert_code="8G35"),                              # unknown alert_code
        alert("a10", alert_code="8f35"),                             # unknown alert_code: GBCS hex is upper case
        alert("a5", alert_kind="other"),                             # unknown alert_kind
        alert("a6", suppressed="maybe"),                             # invalid boolean: suppressed
        alert("a7", alert_code="N12", alert_kind="dcc", delivered_at=None, suppressed="true"),  # accepted
        alert("a8", delivered_at=None),                              # superseded: extracted before it was sent
        alert("a9", delivered_at=None),                              # conflicting: its later versions conflict
        alert("a9"),                                                 # conflicting contents (two delivery times)
        alert("a9", delivered_at="2026-10-05T10:00:09Z"),            # conflicting contents
    ])
    # the same alert once sent, in a later extract: accepted
    write_csv(landing, "alerts", [alert("a8")], name="later.csv")

    def outage(outage_id, **overrides):
        row = dict(outage_id=outage_id, component="dsp_core", started_at="2026-10-05T01:00:00Z",
                   ended_at="2026-10-05T02:00:00Z", planned="false", csp_region=None, description="x")
        row.update(overrides)
        return row

    write_csv(landing, "outages", [
        outage("o1", ended_at=None),                                  # superseded
        outage("o4", ended_at=None),                                  # conflicting: its later versions conflict
    ], name="a_first_extract.csv")
    write_csv(landing, "outages", [
        outage("o1"),                                                 # accepted: o1 with its end
        outage("o2", ended_at="2026-10-05T00:00:00Z"),                # end before start
        outage("o3", component="flux_capacitor"),                     # unknown component
        outage("o4"),                                                 # conflicting contents (two ends)
        outage("o4", ended_at="2026-10-05T03:00:00Z"),                # conflicting contents
    ], name="b_second_extract.csv")

    def incident(incident_id, **overrides):
        row = dict(incident_id=incident_id, category=3, raised_at="2026-10-05T09:00:00Z",
                   responded_at="2026-10-05T10:00:00Z", resolved_at=None, closed_at=None,
                   responsible_party="DCC", service=None, csp_region=None, title="t")
        row.update(overrides)
        return row

    write_csv(landing, "incidents", [
        incident("i1"),                                                    # superseded by the next version
        incident("i1", resolved_at="2026-10-06T09:00:00Z", closed_at="2026-10-06T10:00:00Z"),  # accepted
        incident("i2", category=7),                                        # invalid category: not 1-5
        incident("i3", closed_at="2026-10-01T00:00:00Z"),                  # end before start: closed_at
        # i4's two latest versions share their latest time but differ: no version can be trusted
        incident("i4"),                                                    # conflicting contents
        incident("i4", resolved_at="2026-10-06T09:00:00Z", closed_at="2026-10-06T10:00:00Z"),  # conflicting
        incident("i4", resolved_at="2026-10-06T09:00:00Z", closed_at="2026-10-06T10:00:00Z", title="u"),  # same
        incident("i5", service="DCC User Interface"),  # accepted: the contract gives service no code list
    ])
    write_csv(landing, "csp_test_messages", [
        dict(csp_region="North", sent_at=T, rtt_ms=2000),                 # accepted
        dict(csp_region="North", sent_at=T, rtt_ms=-5),                   # invalid rtt_ms: negative
        dict(csp_region="Mars", sent_at=T, rtt_ms=2000),                  # unknown csp_region
    ])
    write_csv(landing, "ch_firmware_events", [
        dict(ch_id="c1", csp_region="South", firmware_version="1.2", event="activated", event_at=T),   # accepted
        dict(ch_id="c2", csp_region="South", firmware_version="1.2", event="exploded", event_at=T),    # unknown event
        # a date without a time of day would be read as midnight, a made-up time: unparsable
        dict(ch_id="c3", csp_region="South", firmware_version="1.2", event="activated", event_at="2026-10-05"),
    ])
    db = root / "w.duckdb"
    build_warehouse(landing, db, MONTH)
    return db


def accounting(db):
    return {(s, f): (r, a, d, q) for s, f, r, a, d, q in query(
        db, "select source, file, rows_read, accepted, duplicates, quarantined from staging.landing_accounting")}


def test_every_row_is_accounted_for_per_file(warehouse):
    assert accounting(warehouse) == {
        ("service_requests", "service_requests/a_good.csv"): (5, 5, 0, 0),
        ("service_requests", "service_requests/b_redelivered.csv"): (2, 1, 1, 0),
        ("service_requests", "service_requests/c_bad.csv"): (14, 0, 0, 14),
        ("service_requests", "service_requests/d_missing_column.csv"): (2, 0, 0, 2),
        ("service_requests", "service_requests/e_garbage.parquet"): (0, 0, 0, 0),
        ("service_requests", "service_requests/f_malformed.csv"): (3, 2, 0, 1),
        ("service_requests", "service_requests/g_parquet.parquet"): (3, 1, 1, 1),
        ("service_requests", "service_requests/h_out_of_range.csv"): (1, 0, 1, 0),
        ("service_responses", "service_responses/extract.csv"): (5, 2, 1, 2),
        ("alerts", "alerts/extract.csv"): (12, 3, 0, 9),
        ("alerts", "alerts/later.csv"): (1, 1, 0, 0),
        ("outages", "outages/a_first_extract.csv"): (2, 1, 0, 1),
        ("outages", "outages/b_second_extract.csv"): (5, 1, 0, 4),
        ("incidents", "incidents/extract.csv"): (8, 3, 0, 5),
        ("csp_test_messages", "csp_test_messages/extract.csv"): (3, 1, 0, 2),
        ("ch_firmware_events", "ch_firmware_events/extract.csv"): (3, 1, 0, 2),
    }
    for (source, file), (read, accepted, duplicates, quarantined) in accounting(warehouse).items():
        assert read == accepted + duplicates + quarantined, file


def test_quarantine_reasons(warehouse):
    reasons = query(warehouse, "select source, reason, count(*) from staging.quarantined_rows group by all")
    assert sorted(reasons) == sorted([
        ("service_requests", "missing required value: request_id", 1),
        ("service_requests", "unparsable timestamp: received_at", 1),
        ("service_requests", "timestamp out of range: execution_at", 1),
        ("service_requests", "invalid srv: not an SRV number", 1),
        ("service_requests", "unknown user_role", 1),
        ("service_requests", "invalid command_variant: not 1-8", 1),
        ("service_requests", "invalid integer: command_variant", 1),
        ("service_requests", "missing required value: csp_region (SMETS2)", 1),
        ("service_requests", "unknown csp_region", 2),
        ("service_requests", "srv not applicable to SMETS1", 1),
        ("service_requests", "unknown device_type", 1),
        ("service_requests", "invalid dsp_processing_ms: negative", 1),
        ("service_requests", "conflicting contents for the same request_id", 2),
        ("service_requests", "file skipped: missing required column srv", 2),
        ("service_requests", "malformed CSV line: TOO MANY COLUMNS: Expected Number of Columns: 12 Found: 13", 1),
        ("service_responses", "response before its request", 1),
        ("service_responses", "unknown response_code", 1),
        ("alerts", "suppressed alert with a delivered_at", 1),
        ("alerts", "end before start: delivered_at before received_at", 1),
        ("alerts", "unknown alert_code", 2),
        ("alerts", "unknown alert_kind", 1),
        ("alerts", "invalid boolean: suppressed", 1),
        ("alerts", "conflicting contents for the same alert_id", 3),
        ("outages", "end before start: ended_at before started_at", 1),
        ("outages", "unknown component", 1),
        ("outages", "conflicting contents for the same outage_id", 3),
        ("incidents", "conflicting contents for the same incident_id", 3),
        ("incidents", "invalid category: not 1-5", 1),
        ("incidents", "end before start: closed_at before raised_at", 1),
        ("csp_test_messages", "invalid rtt_ms: negative", 1),
        ("csp_test_messages", "unknown csp_region", 1),
        ("ch_firmware_events", "unknown event", 1),
        ("ch_firmware_events", "unparsable timestamp: event_at", 1),
    ])


def test_quarantined_rows_keep_their_raw_values(warehouse):
    rows = query(warehouse, "select file, row_number, raw_values from staging.quarantined_rows "
                 "where reason = 'unparsable timestamp: received_at'")
    assert len(rows) == 1
    file, row, raw = rows[0]
    assert (file, row) == ("service_requests/c_bad.csv", 2)
    assert '"received_at":"yesterday"' in raw and '"request_id":"b2"' in raw


def test_unreadable_file_is_reported_by_name(warehouse):
    rows = query(warehouse, "select status, error from staging.landing_accounting where file like '%e_garbage%'")
    assert rows == [("skipped", "file skipped: the file is text, not Parquet; a CSV file is named .csv")]


def test_staged_rows_are_typed_deduplicated_and_updated(warehouse):
    assert query(warehouse, "select request_id from staging.stg_service_requests order by 1") == [
        ("f1",), ("f2",), ("r1",), ("r2",), ("r3",), ("r4",), ("r5",), ("r6",), ("r7",)]
    assert query(warehouse, "select segment from marts.fct_service_requests where request_id = 'r6'") == [("SMETS1",)]
    # an SRV outside the catalogue: a request without a TRT, in no business process
    assert query(warehouse, "select srv, trt_s, is_within_trt, is_critical, is_non_device from marts.fct_service_requests "
                 "where request_id = 'r7'") == [("4.1.1", None, None, None, None)]
    assert query(warehouse, "select count(*) from intermediate.int_request_business_processes "
                 "where request_id = 'r7'") == [(0,)]
    assert query(warehouse, "select typeof(received_at), typeof(command_variant) from staging.stg_service_requests "
                 "limit 1") == [("TIMESTAMP", "BIGINT")]
    # the later incident version wins; the outage with its end replaces the open one
    assert query(warehouse, "select incident_id, resolved_at is not null, service from staging.stg_incidents "
                 "order by 1") == [("i1", True, None), ("i5", False, "DCC User Interface")]
    assert query(warehouse, "select outage_id, cast(ended_at as varchar) from staging.stg_outages") == [
        ("o1", "2026-10-05 02:00:00")]
    # the alert as sent replaces the version extracted before it was sent
    assert query(warehouse, "select alert_id, cast(delivered_at as varchar), _file from staging.stg_alerts "
                 "order by 1") == [("a1", "2026-10-05 10:00:02", "alerts/extract.csv"),
                                   ("a7", None, "alerts/extract.csv"),
                                   ("a8", "2026-10-05 10:00:02", "alerts/later.csv")]
    assert query(warehouse, "select source, superseded from staging.landing_accounting where superseded > 0 "
                 "order by 1, 2") == [("alerts", 1), ("incidents", 1), ("outages", 1)]


def test_dbt_staging_contract_matches_the_python_contract(warehouse):
    for source, columns in CONTRACT.items():
        staged = [r[0] for r in query(warehouse, f"describe staging.stg_{source}")]
        assert staged == [c.name for c in columns] + ["_file"], source
