"""Incremental builds (pmr/build_state.py, docs/incremental-builds.md): a build
after new landing files arrive recomputes only the partitions they touch, and
gives what a full build of the same landing gives. The new files below change
the verdict on rows of older files in every way the staging rules allow; the
expected accounting is worked out by hand from the rows written here, and the
full build of the same landing is the second, independent computation. When a build
may be incremental (the plan alone, no dbt): test_build_plan.py."""

import json
import shutil

import pytest

from pmr import build_state
from pmr.dbt_runner import target_path_for
from pmr.pipeline import build
from pmr.run_log import RunLog
from tests.helpers import alert_row as alert
from tests.helpers import query, write_csv, write_parquet, write_request_parquet
from tests.helpers import request_row as req

MONTH = "2026-10"


def resp(request_id, response_at, code="I0"):
    return dict(request_id=request_id, response_at=response_at, response_code=code)


def n12(alert_id, request_id):
    return alert(alert_id, alert_code="N12", alert_kind="dcc", request_id=request_id, delivered_at=None,
                 suppressed="true")


def first_delivery(landing):
    # r1-r9 are top-ups (2.2) of one User and device: one attempt chain
    write_csv(landing, "service_requests", [
        req("r1"), req("r2"), req("r3"), req("r6"),
        req("c1", srv="6.23", device_id="d3"),   # a change of supplier that fails...
        req("f1", srv="11.1", device_id="d4"),   # a firmware image delivered...
        req("t1", device_id="d5", received_at="2026-10-05T08:00:00Z"),
    ], name="b_day1.csv")
    write_csv(landing, "service_responses", [
        resp("r1", "2026-10-05T10:00:04Z"),
        resp("r9", "2026-10-05T10:00:01Z"),   # r9 not delivered yet: accepted for now
        resp("r6", "2026-10-05T10:00:05Z"),
        resp("r2", "2026-10-05T09:59:00Z"),   # before its request: quarantined for now
        resp("c1", "2026-10-05T10:00:03Z", code="E20"),
        resp("f1", "2026-10-05T10:00:03Z"),
    ], name="b_day1.csv")
    write_csv(landing, "alerts", [alert("a1"), alert("a2"), alert("a3"), n12("a7", "r6"),
                                  alert("a9", delivered_at=None)],   # a9 not sent yet...
              name="b_day1.csv")


def second_delivery(landing):
    # a late file that sorts first: its r1 becomes the row kept, b_day1's r1 the copy;
    # r9 arrives after its response, which becomes a response before its request
    write_csv(landing, "service_requests", [req("r1"), req("r9", received_at="2026-10-05T10:00:05Z")],
              name="a_late.csv")
    # r2 again with other contents: both versions quarantined, so r2's early
    # response no longer has a request to precede and is accepted, and r2 leaves
    # its attempt chain; ...corrected by the same User's success on d3 a day later
    write_csv(landing, "service_requests", [
        req("r2", dsp_processing_ms=7), req("r7"),
        req("c2", srv="2.2", device_id="d3", received_at="2026-10-06T10:00:00Z"),
        # t1 again on another device: both quarantined, so d5 loses its chain
        req("t1", device_id="d6", received_at="2026-10-05T08:00:00Z"),
    ], name="c_day2.csv")
    write_csv(landing, "service_responses", [
        resp("r6", "2026-10-05T10:00:05Z"),   # copy of b_day1's: duplicate
        resp("r7", "2026-10-05T10:00:06Z"),
        resp("c2", "2026-10-06T10:00:02Z"),
        # before f1, a request of b_day1 that no new request row touches: quarantined
        resp("f1", "2026-10-05T09:59:30Z"),
    ], name="c_day2.csv")
    write_csv(landing, "alerts", [
        alert("a1"),                           # copy: duplicate
        alert("a2", device_id="d2"),           # conflicting contents: both a2 quarantined
        alert("a4"),
        alert("a5", alert_kind="other"),       # unknown alert_kind
        n12("a6", "r3"),                       # r3 failed, seen a day late
        n12("a7", None),                       # conflicts with b_day1's a7: r6 no longer failed
        alert("a8", alert_code="8F72", device_id="d4",  # ...and verified by its device
              received_at="2026-10-06T09:00:00Z", delivered_at="2026-10-06T09:00:01Z"),
        alert("a9"),                           # ...sent: supersedes b_day1's a9
    ], name="c_day2.csv")


# Parquet files whose columns have other types than the contract's, apart from the
# files above: their ids start with k, and their requests are 1.1.1 (no top-up chain)
BIG = "12345678901234567"


def kreq(request_id, **overrides):
    return req(request_id, srv="1.1.1", command_variant=5, **overrides)


def first_types_delivery(landing):
    write_request_parquet(landing, "m_base.parquet", [kreq("kr1", dsp_processing_ms=BIG), kreq("kr2")])
    write_request_parquet(landing, "n_float.parquet", [kreq("kr3", dsp_processing_ms="0.1")],
                          replace={"dsp_processing_ms": "cast(dsp_processing_ms as float)"})
    ns = "cast('2026-10-05 22:59:59.9999999' as timestamp_ns)"
    write_request_parquet(landing, "m_ns.parquet", [kreq("kr5")], replace={"received_at": ns})
    write_csv(landing, "service_responses", [resp("kr1", "2026-10-05T10:00:04Z"), resp("kr5", "2026-10-05T23:00:04Z")],
              name="k_types.csv")
    write_csv(landing, "alerts", [alert("ka0")], name="k_types.csv")
    write_parquet(landing, "alerts", "m_int.parquet", [alert("ka1", suppressed="2", delivered_at=None),
                                                        alert("ka3", suppressed="0")],
                  replace={"suppressed": "cast(suppressed as integer)"})
    write_parquet(landing, "alerts", "m_ts.parquet", [alert("ka4", received_at="1999-01-01T00:00:00Z")],
                  replace={"received_at": "cast(cast(received_at as timestamptz) as timestamp)"})
    write_parquet(landing, "alerts", "m_tz.parquet", [alert("ka5", delivered_at="9999-12-31T00:00:00Z")])


def second_types_delivery(landing):
    write_request_parquet(landing, "z_new.parquet", [kreq("kr9", dsp_processing_ms="100.0")],
                          replace={"dsp_processing_ms": "cast(dsp_processing_ms as double)"})
    write_request_parquet(landing, "n_text.parquet", [kreq("kr6")], replace={"received_at": "received_at"})  # text
    write_parquet(landing, "alerts", "n_vc.parquet", [alert("ka2", suppressed="true", delivered_at=None)],
                  replace={"suppressed": "suppressed"})  # text
    write_parquet(landing, "alerts", "n_ns.parquet", [alert("ka7")],
                  replace={c: f"cast(cast({c} as timestamptz) as timestamp_ns)" for c in ("received_at", "delivered_at")})


def built(landing, db):
    log = RunLog(month=MONTH, landing=str(landing), warehouse=str(db))
    build(MONTH, landing, db, log, progress=lambda message: None)
    return log.step_record("dbt build")


def accounting(db):
    return {f: (r, a, d, q) for f, r, a, d, q in query(
        db, "select file, rows_read, accepted, duplicates, quarantined from staging.landing_accounting "
            "where source in ('service_requests', 'service_responses', 'alerts')")}


SNAPSHOT = {
    "exceptions": """select * exclude (_pkey) from staging.stg_{s}__exceptions order by _file, _row""",
    "staged": """select * from staging.stg_{s} order by all""",
}
BIG_SOURCES = ("service_requests", "service_responses", "alerts")
INCREMENTAL_INTERMEDIATES = ("int_request_final_responses", "int_request_business_processes",
                             "int_alert_business_processes", "int_alert_deliveries", "int_topup_attempts",
                             "int_topup_chains", "int_cos_requests", "int_firmware_deliveries")


def snapshot(db):
    tables = {f"{name} {s}": query(db, sql.format(s=s)) for name, sql in SNAPSHOT.items() for s in BIG_SOURCES}
    tables["accounting"] = query(db, "select * from staging.landing_accounting order by all")
    tables["quarantined"] = query(db, "select * from staging.quarantined_rows order by all")
    tables["requests fact"] = query(db, "select * from marts.fct_service_requests order by request_id")
    for model in INCREMENTAL_INTERMEDIATES:
        tables[model] = query(db, f"select * from intermediate.{model} order by all")
    tables["metrics"] = query(db, "select * from metrics.pmr_metrics order by all")
    return tables


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    landing = root / "landing"
    first_delivery(landing)
    first_types_delivery(landing)
    first = built(landing, root / "inc.duckdb")
    after_first = accounting(root / "inc.duckdb")
    shutil.copy(root / "inc.duckdb", root / "after_first.duckdb")
    second_delivery(landing)
    second_types_delivery(landing)
    second = built(landing, root / "inc.duckdb")
    cold_landing = root / "cold_landing"
    shutil.copytree(landing, cold_landing)
    cold = built(cold_landing, root / "cold.duckdb")
    return dict(root=root, first=first, second=second, cold=cold, after_first=after_first)


def test_first_delivery_is_accounted_for(builds):
    assert builds["after_first"] == {
        "service_requests/b_day1.csv": (7, 7, 0, 0),
        "service_responses/b_day1.csv": (6, 5, 0, 1),
        "alerts/b_day1.csv": (5, 5, 0, 0),
        # kr3's FLOAT is not an integer; ka1's integer 2 is not a boolean; ka4 (1999) and ka5 (9999)
        # are out of range
        "service_requests/m_base.parquet": (2, 2, 0, 0),
        "service_requests/m_ns.parquet": (1, 1, 0, 0),
        "service_requests/n_float.parquet": (1, 0, 0, 1),
        "service_responses/k_types.csv": (2, 2, 0, 0),
        "alerts/k_types.csv": (1, 1, 0, 0),
        "alerts/m_int.parquet": (2, 1, 0, 1),
        "alerts/m_ts.parquet": (1, 0, 0, 1),
        "alerts/m_tz.parquet": (1, 0, 0, 1),
    }


def test_second_delivery_is_built_incrementally(builds):
    assert builds["first"]["mode"] == "full"
    assert builds["second"]["mode"] == "incremental"
    assert builds["cold"]["mode"] == "full"
    # and the models took the incremental path: the requests it recomputed are those
    # of the new request files (r1, r9, r2, r7, c2, t1), of the new responses (r6, f1)
    # and of the touched alerts (a6's r3, and r6 through b_day1's a7); and kr9 and kr6 of the
    # new Parquet files
    touched = "select count(*) from intermediate.int_requests_touched_keys"
    assert query(builds["root"] / "inc.duckdb", touched) == [(11,)]
    assert query(builds["root"] / "cold.duckdb", touched) == [(0,)]


def test_new_files_change_the_verdicts_on_older_rows(builds):
    assert accounting(builds["root"] / "inc.duckdb") == {
        "service_requests/a_late.csv": (2, 2, 0, 0),
        "service_requests/b_day1.csv": (7, 4, 1, 2),
        "service_requests/c_day2.csv": (4, 2, 0, 2),
        "service_responses/b_day1.csv": (6, 5, 0, 1),
        "service_responses/c_day2.csv": (4, 2, 1, 1),
        "alerts/b_day1.csv": (5, 3, 0, 2),
        "alerts/c_day2.csv": (8, 4, 1, 3),
        "service_requests/m_base.parquet": (2, 2, 0, 0),
        "service_requests/m_ns.parquet": (1, 1, 0, 0),
        "service_requests/n_float.parquet": (1, 0, 0, 1),
        "service_requests/n_text.parquet": (1, 1, 0, 0),
        "service_requests/z_new.parquet": (1, 1, 0, 0),
        "service_responses/k_types.csv": (2, 2, 0, 0),
        "alerts/k_types.csv": (1, 1, 0, 0),
        "alerts/m_int.parquet": (2, 1, 0, 1),
        "alerts/m_ts.parquet": (1, 0, 0, 1),
        "alerts/m_tz.parquet": (1, 0, 0, 1),
        "alerts/n_ns.parquet": (1, 1, 0, 0),
        "alerts/n_vc.parquet": (1, 1, 0, 0),
    }
    reasons = query(builds["root"] / "inc.duckdb",
                    "select file, row_number, reason from staging.quarantined_rows "
                    "where source = 'service_responses' order by file, row_number")
    assert reasons == [("service_responses/b_day1.csv", 2, "response before its request"),
                       ("service_responses/c_day2.csv", 4, "response before its request")]


def test_an_alert_sent_after_its_first_extract_replaces_the_unsent_version(builds):
    sql = "select cast(delivered_at as varchar), _file from staging.stg_alerts where alert_id = 'a9'"
    assert query(builds["root"] / "after_first.duckdb", sql) == [(None, "alerts/b_day1.csv")]
    assert query(builds["root"] / "inc.duckdb", sql) == [("2026-10-05 10:00:02", "alerts/c_day2.csv")]
    superseded = "select file, superseded from staging.landing_accounting where source = 'alerts' and superseded > 0"
    assert query(builds["root"] / "inc.duckdb", superseded) == [("alerts/b_day1.csv", 1)]


def test_new_alerts_change_the_facts_of_older_requests(builds):
    sql = "select request_id, has_failure_alert from marts.fct_service_requests where request_id in ('r3', 'r6')"
    assert sorted(query(builds["root"] / "after_first.duckdb", sql)) == [("r3", False), ("r6", True)]
    assert sorted(query(builds["root"] / "inc.duckdb", sql)) == [("r3", True), ("r6", False)]


def test_new_files_change_the_outcomes_of_older_requests(builds):
    cos = "select request_id, is_success, is_corrected from intermediate.int_cos_requests"
    firmware = "select request_id, is_delivered, verification from intermediate.int_firmware_deliveries"
    # r1-r9: one User and device, at one time but r9, in request_id order. Before:
    # r1 (I0) a chain; r2 (its response before it, so none), r3 and r6 (failed by
    # a7's N12) a chain of three attempts, none successful; t1 (no response) on d5.
    chains = "select attempts, succeeded_at_attempt from intermediate.int_topup_chains order by first_attempt_at, attempts"
    before, after = builds["root"] / "after_first.duckdb", builds["root"] / "inc.duckdb"
    assert query(before, cos) == [("c1", False, False)]
    assert query(after, cos) == [("c1", False, True)]
    assert query(before, firmware) == [("f1", True, "no_alert")]
    assert query(after, firmware) == [("f1", True, "verified")]
    assert query(before, chains) == [(1, None), (1, 1), (3, None)]
    # After: r1 a chain; r3 (failed by a6) then r6 (a7 gone, so I0 succeeds); r7;
    # r9 (10:00:05, its response now before it); c2 on d3 the next day.
    assert query(after, chains) == [(1, 1), (1, 1), (2, 2), (1, None), (1, 1)]


def test_incremental_build_equals_a_full_build(builds):
    incremental, cold = snapshot(builds["root"] / "inc.duckdb"), snapshot(builds["root"] / "cold.duckdb")
    assert incremental.keys() == cold.keys()
    for name in incremental:
        assert incremental[name] == cold[name], name
    assert len(incremental["metrics"]) > 100


def test_new_parquet_files_of_other_column_types_leave_older_files_as_they_read(builds):
    """Each file is read as its own types decide (pmr.landing_parquet.read_type), so files
    that arrive later cannot change how older rows read, and the incremental build
    equals a full one (test_incremental_build_equals_a_full_build compares every table).
    - Read together, a DOUBLE column in a new file would make the old BIGINT column
      DOUBLE too: kr1's 17 digits would round, and a full build would quarantine kr1
      where the incremental one keeps it. The FLOAT 0.1 of kr3 must stay "0.1" in the
      quarantine, not become the DOUBLE 0.10000000149011612.
    - kr5 at 22:59:59.9999999 UTC in nanoseconds is cut to .999999, still 5 October in
      UK time (rounded, it was 00:00 BST on the 6th until a text file arrived);
    - ka1's suppressed is the integer 2: not a boolean, quarantined, as '2' in a CSV is;
    - ka4 (1999, naive TIMESTAMP) and ka5 (9999, TIMESTAMPTZ) are out of range and keep
      one text in the quarantine; with ka5, a TIMESTAMP_NS file used to crash the build."""
    for db in (builds["root"] / "inc.duckdb", builds["root"] / "cold.duckdb"):
        assert query(db, "select request_id, dsp_processing_ms from staging.stg_service_requests "
                         "where request_id in ('kr1', 'kr2', 'kr9') order by 1") == [
            ("kr1", int(BIG)), ("kr2", 100), ("kr9", 100)]
        (raw,) = query(db, "select raw_values from staging.quarantined_rows "
                           "where file = 'service_requests/n_float.parquet'")[0]
        assert '"dsp_processing_ms":"0.1"' in raw
        assert query(db, "select cast(received_at as varchar) from staging.stg_service_requests "
                         "where request_id = 'kr5'") == [("2026-10-05 22:59:59.999999",)]
        assert sorted(query(db, "select reason, count(*) from staging.quarantined_rows "
                                "where source = 'alerts' and file like '%.parquet' "
                                "group by all")) == [
            ("invalid boolean: suppressed", 1), ("timestamp out of range: delivered_at", 1),
            ("timestamp out of range: received_at", 1)]
        assert query(db, "select alert_id from staging.stg_alerts where alert_id like 'ka%' order by 1") == [
            ("ka0",), ("ka2",), ("ka3",), ("ka7",)]


def test_every_incremental_model_must_be_built_for_the_build_to_count(builds):
    """A model that adds to its previous build and is missing from
    INCREMENTAL_MODELS could be skipped by a build that still counts as complete.
    The materializations are read from dbt's manifest, however a model sets them."""
    manifest = json.loads((target_path_for(builds["root"] / "inc.duckdb") / "manifest.json").read_text())
    incremental = {node["name"] for node in manifest["nodes"].values()
                   if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"}
    assert "fct_service_requests" in incremental
    assert incremental <= set(build_state.INCREMENTAL_MODELS)
