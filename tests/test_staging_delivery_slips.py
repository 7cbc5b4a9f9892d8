"""Staging on files as an extract writer may slip when delivering them: another format
under a CSV or Parquet name (or text under a .csv.gz one), a title line above the
header, a Latin-1 byte in an extra column's name, timestamps written as text in a
Parquet file, booleans padded with spaces, and rows of one id that differ only in
unreadable values; and on Parquet files as common writers produce them. Each file is
either read as the contract means or skipped saying what to change; every expected
figure is worked out by hand from the rows written here. One landing holds them all,
each file asserted on its own: one build for the module."""

import datetime as dt
import gzip
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pmr.contract import CONTRACT
from tests.helpers import alert_row, build_warehouse, query, write_csv
from tests.helpers import request_row as req
from tests.helpers import write_request_parquet as write_parquet

MONTH = "2026-10"
# 10:00:00.123456789 UTC on 5 October 2026, in nanoseconds since the epoch
NANOSECONDS = int(dt.datetime(2026, 10, 5, 10, tzinfo=dt.timezone.utc).timestamp()) * 10**9 + 123_456_789
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64()}


def requests_as_pyarrow_writes_them(rows: list[dict], received_ns: list[int]) -> pa.Table:
    """pyarrow and pandas write a UTC timestamp in nanoseconds with its zone
    (TIMESTAMPTZ_NS to DuckDB), and a column with no value at all, such as execution_at
    on a day without a Future-Dated request, with the null type."""
    columns = {}
    for column in CONTRACT["service_requests"]:
        if column.name == "received_at":
            columns[column.name] = pa.array(received_ns, pa.timestamp("ns", tz="UTC"))
        elif column.name == "execution_at":
            columns[column.name] = pa.nulls(len(rows))  # no value at all: the null type
        else:
            columns[column.name] = pa.array([row[column.name] for row in rows], ARROW_TYPES[column.type])
    return pa.table(columns)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("slips")
    landing = root / "landing"
    # a_title.csv: a title line above the header: skipped; the header and 2 rows are its 3 lines read
    path = write_csv(landing, "service_requests", [req("t1"), req("t2")], name="a_title.csv")
    path.write_text("Service requests extract for 2026-10-05\n" + path.read_text())
    # b_gzip.csv: compressed but named .csv
    path = write_csv(landing, "service_requests", [req("b1"), req("b2")], name="b_gzip.csv")
    path.write_bytes(gzip.compress(path.read_bytes()))
    # c_parquet.csv: a Parquet file named .csv
    write_parquet(landing, "c_parquet.parquet", [req("c1")]).rename(landing / "service_requests" / "c_parquet.csv")
    # d_zip.csv: a zip archive named .csv
    inner = write_csv(landing, "service_requests", [req("d1")], name="d_inner.csv")
    with zipfile.ZipFile(landing / "service_requests" / "d_zip.csv", "w") as archive:
        archive.write(inner, "extract.csv")
    inner.unlink()
    # d2_text.csv.gz: plain text named .csv.gz; d3_text.parquet: CSV text named .parquet;
    # d4_gzip.parquet: compressed CSV named .parquet; d5_truncated.parquet: Parquet cut short,
    # whose error names the file by its landing key, not by the folder it is kept in
    write_csv(landing, "service_requests", [req("d2")], name="d2_text.csv.gz")
    write_csv(landing, "service_requests", [req("d3")], name="d3_text.parquet")
    path = write_csv(landing, "service_requests", [req("d4")], name="d4_gzip.parquet")
    path.write_bytes(gzip.compress(path.read_bytes()))
    path = write_parquet(landing, "d5_truncated.parquet", [req("d5")])
    path.write_bytes(path.read_bytes()[:-100])
    # d6_empty.parquet: no bytes at all
    (landing / "service_requests" / "d6_empty.parquet").write_bytes(b"")
    # e_latin1_header.csv: an extra column named in Latin-1, CRLF endings: e1 and e3 accepted;
    # e2 has a Latin-1 byte in user_id, a malformed line
    path = write_csv(landing, "service_requests", [req("e1"), req("e2", user_id="SUPX"), req("e3")],
                     name="e_latin1_header.csv")
    lines = path.read_bytes().split(b"\n")[:-1]
    lines = [lines[0] + b",Bemerkung_\xe9"] + [line + b",x" for line in lines[1:]]
    lines[2] = lines[2].replace(b"SUPX", b"SUP\xe9")
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    # f_text_times.parquet: received_at written as text: a date alone and a zone name are
    # unparsable; an offset converts (10:00+01:00 is 09:00 UTC)
    write_parquet(landing, "f_text_times.parquet", [
        req("f1", received_at="2026-10-05"), req("f2", received_at="2026-10-05T10:00:00 BST"),
        req("f3", received_at="2026-10-05T10:00:00+01:00")], replace={"received_at": "received_at"})
    # g_native.parquet: a native timestamp, read together with f's text: accepted at its instant
    write_parquet(landing, "g_native.parquet", [req("g1", received_at="2026-10-05T11:30:00Z")])
    # alerts: booleans with spaces around them read as booleans; "maybe" is not one
    write_csv(landing, "alerts", [
        alert_row("s1", suppressed=" true ", delivered_at=None), alert_row("s2", suppressed="false "),
        alert_row("s3", suppressed="maybe")])
    # h_pyarrow.parquet: pa1 and pa2 as pyarrow writes them, both accepted; a file under a
    # hidden name (a copy tool's file still being written) is not read
    folder = landing / "service_requests"
    pq.write_table(requests_as_pyarrow_writes_them([req("pa1"), req("pa2", device_id="d2")],
                                                   [NANOSECONDS, NANOSECONDS + 10**9]), folder / "h_pyarrow.parquet")
    pq.write_table(requests_as_pyarrow_writes_them([req("pa3")], [NANOSECONDS]), folder / ".h_pyarrow_late.parquet")
    write_csv(landing, "service_responses", [
        dict(request_id=r, response_at="2026-10-05T10:00:05Z", response_code="I0") for r in ("pa1", "pa2")])
    # unreadable.csv: two rows of request u1 whose received_at are two different unreadable
    # texts, and a good row twice
    write_csv(landing, "service_requests", [req("u1", received_at="yesterday"), req("u1", received_at="tomorrow"),
                                            req("ok"), req("ok")], name="unreadable.csv")
    db = root / "w.duckdb"
    build_warehouse(landing, db, MONTH)
    return db


def test_each_file_is_read_or_skipped_saying_what_to_change(warehouse):
    accounting = query(warehouse, "select file, status, error, rows_read, accepted, duplicates, quarantined "
                                  "from staging.landing_accounting order by file")
    named = "file skipped: the file is {}, not CSV text; {}"
    contract = "the contract takes .csv, .csv.gz and .parquet files"
    assert accounting == [
        ("alerts/extract.csv", "loaded", None, 3, 2, 0, 1),
        ("service_requests/a_title.csv", "skipped",
         "file skipped: missing required columns request_id, received_at, user_id, user_role, srv, "
         "command_variant, smets, csp_region (they are on line 2: the contract's header must be the first line)",
         3, 0, 0, 3),
        ("service_requests/b_gzip.csv", "skipped",
         named.format("gzip-compressed", "a gzip-compressed CSV file is named .csv.gz"), 0, 0, 0, 0),
        ("service_requests/c_parquet.csv", "skipped",
         named.format("a Parquet file", "a Parquet file is named .parquet"), 0, 0, 0, 0),
        ("service_requests/d2_text.csv.gz", "skipped",
         "file skipped: the file is text, not gzip-compressed; a CSV file is named .csv", 0, 0, 0, 0),
        ("service_requests/d3_text.parquet", "skipped",
         "file skipped: the file is text, not Parquet; a CSV file is named .csv", 0, 0, 0, 0),
        ("service_requests/d4_gzip.parquet", "skipped", "file skipped: the file is gzip-compressed, not Parquet; "
         "a gzip-compressed CSV file is named .csv.gz", 0, 0, 0, 0),
        ("service_requests/d5_truncated.parquet", "skipped", "file skipped: truncated or damaged Parquet file (it "
         "starts as Parquet, but its footer does not read: an interrupted copy?); its rows cannot be counted: "
         "deliver it again (Invalid Input Error: No magic bytes found at end of file "
         "'service_requests/d5_truncated.parquet')", 0, 0, 0, 0),
        ("service_requests/d6_empty.parquet", "skipped", "file skipped: empty file (0 bytes), which no Parquet file "
         "is, even one without rows: an interrupted copy? deliver it again", 0, 0, 0, 0),
        ("service_requests/d_zip.csv", "skipped", named.format("a zip archive", contract), 0, 0, 0, 0),
        ("service_requests/e_latin1_header.csv", "loaded", None, 3, 2, 0, 1),
        ("service_requests/f_text_times.parquet", "loaded", None, 3, 1, 0, 2),
        ("service_requests/g_native.parquet", "loaded", None, 1, 1, 0, 0),
        ("service_requests/h_pyarrow.parquet", "loaded", None, 2, 2, 0, 0),
        ("service_requests/unreadable.csv", "loaded", None, 4, 1, 1, 2),
        ("service_responses/extract.csv", "loaded", None, 2, 2, 0, 0),
    ]


def test_files_of_another_format_or_cut_short_have_rows_no_one_counted(warehouse):
    """Each holds rows that no reader could count (the gate blocks on them), a Parquet
    file of 0 bytes too (one without rows still has a footer); the title line's file had
    its rows counted and quarantined."""
    uncounted = query(warehouse, "select file from raw.landing_files where not all_rows_counted order by file")
    assert [file for (file,) in uncounted] == [
        "service_requests/b_gzip.csv", "service_requests/c_parquet.csv", "service_requests/d2_text.csv.gz",
        "service_requests/d3_text.parquet", "service_requests/d4_gzip.parquet",
        "service_requests/d5_truncated.parquet", "service_requests/d6_empty.parquet", "service_requests/d_zip.csv"]
    assert query(warehouse, "select count(*) from raw.landing_files where all_rows_counted is null") == [(0,)]


def test_staged_rows_and_instants(warehouse):
    assert query(warehouse, "select request_id, cast(received_at as varchar) from staging.stg_service_requests "
                            "order by 1") == [
        ("e1", "2026-10-05 10:00:00"), ("e3", "2026-10-05 10:00:00"), ("f3", "2026-10-05 09:00:00"),
        ("g1", "2026-10-05 11:30:00"), ("ok", "2026-10-05 10:00:00"), ("pa1", "2026-10-05 10:00:00.123456"),
        ("pa2", "2026-10-05 10:00:01.123456")]
    assert query(warehouse, "select alert_id, suppressed from staging.stg_alerts order by 1") == [
        ("s1", True), ("s2", False)]


def test_quarantine_keeps_the_text_as_written(warehouse):
    rows = query(warehouse, """select json_extract_string(raw_values, '$.request_id'),
                                      json_extract_string(raw_values, '$.received_at'), reason
                               from staging.quarantined_rows where file like '%f_text_times%' order by 1""")
    assert rows == [("f1", "2026-10-05", "unparsable timestamp: received_at"),
                    ("f2", "2026-10-05T10:00:00 BST", "unparsable timestamp: received_at")]
    assert query(warehouse, "select reason from staging.quarantined_rows where file like 'alerts/%'") == [
        ("invalid boolean: suppressed",)]
    latin1 = query(warehouse, "select reason, raw_values from staging.quarantined_rows "
                              "where file like '%e_latin1%'")
    assert len(latin1) == 1 and latin1[0][0].startswith("malformed CSV line: INVALID ENCODING")
    assert "SUP\\xe9" in latin1[0][1]


def test_nanosecond_utc_timestamps_and_all_null_columns_are_read_and_hidden_files_are_not(warehouse):
    # the nanoseconds cut to microseconds, as from a CSV with nine fractional digits
    assert query(warehouse, """select request_id, cast(received_at as varchar), execution_at
                               from staging.stg_service_requests where _file like '%pyarrow%' order by 1""") == [
        ("pa1", "2026-10-05 10:00:00.123456", None), ("pa2", "2026-10-05 10:00:01.123456", None)]
    assert query(warehouse, "select count(*) from staging.quarantined_rows where file like '%pyarrow%'") == [(0,)]
    assert query(warehouse, "select count(*) from raw.landing_files where file like '%late%'") == [(0,)]


def test_rows_that_differ_only_in_unreadable_values_are_not_duplicates(warehouse):
    """unreadable.csv: two rows of one request whose received_at are two different
    unreadable texts: each is quarantined for it, and neither is a re-delivery of the
    other (their raw values differ), so the file counts 2 quarantined and 0 duplicates;
    an exact copy of a good row is 1."""
    assert query(warehouse, "select rows_read, accepted, duplicates, quarantined from staging.landing_accounting "
                            "where file like '%unreadable.csv'") == [(4, 1, 1, 2)]
    assert query(warehouse, """select json_extract_string(raw_values, '$.received_at'), reason
                               from staging.quarantined_rows where file like '%unreadable.csv' order by 1""") == [
        ("tomorrow", "unparsable timestamp: received_at"), ("yesterday", "unparsable timestamp: received_at")]
