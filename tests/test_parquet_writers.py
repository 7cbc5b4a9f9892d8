"""Parquet files as common writers produce them are read as the contract means, with
no row lost. pyarrow and pandas write a UTC timestamp in nanoseconds with its zone
(TIMESTAMPTZ_NS to DuckDB), and a column with no value at all, such as execution_at
on a day without a Future-Dated request, with the null type. A file under a hidden
name (a copy tool's file still being written) is not read."""

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from pmr.contract import CONTRACT
from tests.helpers import build_warehouse, query, request_row, write_csv

MONTH = "2026-10"
# 10:00:00.123456789 UTC on 5 October 2026, in nanoseconds since the epoch
NANOSECONDS = int(dt.datetime(2026, 10, 5, 10, tzinfo=dt.timezone.utc).timestamp()) * 10**9 + 123_456_789
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64()}


def _requests_as_pyarrow_writes_them(rows: list[dict], received_ns: list[int]) -> pa.Table:
    columns = {}
    for column in CONTRACT["service_requests"]:
        if column.name == "received_at":
            columns[column.name] = pa.array(received_ns, pa.timestamp("ns", tz="UTC"))
        elif column.name == "execution_at":
            columns[column.name] = pa.nulls(len(rows))  # no value at all: the null type
        else:
            columns[column.name] = pa.array([row[column.name] for row in rows], ARROW_TYPES[column.type])
    return pa.table(columns)


def test_nanosecond_utc_timestamps_and_all_null_columns_are_read_and_hidden_files_are_not(tmp_path):
    landing = tmp_path / "landing"
    folder = landing / "service_requests"
    folder.mkdir(parents=True)
    requests = [request_row("r1"), request_row("r2", device_id="d2")]
    pq.write_table(_requests_as_pyarrow_writes_them(requests, [NANOSECONDS, NANOSECONDS + 10**9]),
                   folder / "2026-10-05.parquet")
    hidden = _requests_as_pyarrow_writes_them([request_row("r3")], [NANOSECONDS])
    pq.write_table(hidden, folder / ".2026-10-05-late.parquet")
    write_csv(landing, "service_responses", [
        dict(request_id=r, response_at="2026-10-05T10:00:05Z", response_code="I0") for r in ("r1", "r2")])
    db = tmp_path / "w.duckdb"
    build_warehouse(landing, db, MONTH)

    # the nanoseconds cut to microseconds, as from a CSV with nine fractional digits
    assert query(db, """select request_id, cast(received_at as varchar), execution_at
                        from staging.stg_service_requests order by 1""") == [
        ("r1", "2026-10-05 10:00:00.123456", None), ("r2", "2026-10-05 10:00:01.123456", None)]
    assert query(db, "select count(*) from staging.quarantined_rows") == [(0,)]
    assert query(db, """select file, rows_read, accepted from staging.landing_accounting
                        where source = 'service_requests'""") == [("service_requests/2026-10-05.parquet", 2, 2)]
