"""Ingest alone, without a dbt build, on single landing files as a whole: file names with
glob characters, an empty compressed or Parquet file, a file corrected in place with its
old time, a contract column named twice or misspelt, text written as Parquet binary,
files read by other reading code, the columns each file records, skip reasons naming
the landing key, a file removed.
Each must be read as written or skipped by name with its reason, its rows counted. A
CSV file's text that DuckDB's reader stumbles on: test_ingest_csv_text.py; the same
faults in a whole landing, built and staged: test_staging_bad_files.py."""

import duckdb

from pmr.contract import column_names
from pmr.ingest import ingest
from tests.helpers import request_row as req
from tests.helpers import write_csv
from tests.helpers import write_request_parquet as write_parquet


def test_file_names_with_glob_characters_are_read_as_named(tmp_path):
    """DuckDB takes *, ? and [ in a path as a glob: day[1].csv would read day1.csv, x?.csv
    also x1.csv, p*.parquet every Parquet file. Each file must give exactly its own row."""
    rows = {"day1.csv": "c_day1", "day[1].csv": "c_brk", "x?.csv": "c_q", "x1.csv": "c_x1",
            "p1.parquet": "p_1", "p[1].parquet": "p_brk", "p*.parquet": "p_star"}
    for name, request_id in rows.items():
        if name.endswith(".parquet"):
            write_parquet(tmp_path, name, [req(request_id)])
        else:
            write_csv(tmp_path, "service_requests", [req(request_id)], name=name)
    con = duckdb.connect()
    assert ingest(con, tmp_path).skipped == {}
    read = con.execute("""select _file, request_id from raw.service_requests_csv
                          union all select _file, request_id from raw.service_requests_parquet order by 1""").fetchall()
    assert read == sorted((f"service_requests/{name}", request_id) for name, request_id in rows.items())
    assert con.execute("select sum(rows_read) from raw.landing_files").fetchone()[0] == 7


def test_an_empty_compressed_or_parquet_file_is_a_copy_cut_short(tmp_path):
    """gzip and Parquet files have a header and a footer even around no rows: with 0
    bytes, the copy stopped before its first write, and how many rows it held is unknown."""
    folder = tmp_path / "service_requests"
    folder.mkdir()
    for name in ("a.csv.gz", "b.parquet"):
        (folder / name).write_bytes(b"")
    con = duckdb.connect()
    skipped = ingest(con, tmp_path).skipped
    assert skipped["service_requests/a.csv.gz"].startswith("file skipped: empty file (0 bytes), which no gzip")
    assert skipped["service_requests/b.parquet"].startswith("file skipped: empty file (0 bytes), which no Parquet")
    assert con.execute("select file, all_rows_counted from raw.landing_files order by 1").fetchall() == [
        ("service_requests/a.csv.gz", False), ("service_requests/b.parquet", False)]


def test_a_file_corrected_in_place_with_its_old_time_is_read_again(tmp_path):
    """A copy that keeps file times, or `touch -r`, sets the modification time back; the
    status-change time still moves, so ingest sees the new contents."""
    import os
    import time

    path = write_csv(tmp_path, "service_requests", [req("v1", srv="6.23")], name="day.csv")
    con = duckdb.connect()
    assert ingest(con, tmp_path).loaded == ["service_requests/day.csv"]
    before = path.stat()
    time.sleep(0.05)  # the kernel's file clock ticks every few ms
    write_csv(tmp_path, "service_requests", [req("v1", srv="11.1")], name="day.csv")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert ingest(con, tmp_path).loaded == ["service_requests/day.csv"]
    assert con.execute("select srv from raw.service_requests_csv").fetchall() == [("11.1",)]
    assert ingest(con, tmp_path).unchanged == ["service_requests/day.csv"]
    assert ingest(con, tmp_path, reread=True).loaded == ["service_requests/day.csv"]  # a full refresh


def test_a_file_corrected_in_place_with_a_modification_time_in_the_future_is_read_again(tmp_path):
    """A file whose modification time lies ahead (a clock set wrong where it was written),
    corrected in place and its times kept again: its change time still moves."""
    import os
    import time

    path = write_csv(tmp_path, "service_requests", [req("v1", srv="6.23")], name="day.csv")
    future_ns = (time.time_ns() // 10**9 + 3 * 365 * 86400) * 10**9
    os.utime(path, ns=(future_ns, future_ns))
    con = duckdb.connect()
    assert ingest(con, tmp_path).loaded == ["service_requests/day.csv"]
    time.sleep(0.05)
    write_csv(tmp_path, "service_requests", [req("v1", srv="11.1")], name="day.csv")  # the same size
    os.utime(path, ns=(future_ns, future_ns))
    assert ingest(con, tmp_path).loaded == ["service_requests/day.csv"]
    assert con.execute("select srv from raw.service_requests_csv").fetchall() == [("11.1",)]
    assert ingest(con, tmp_path).unchanged == ["service_requests/day.csv"]


def test_a_file_naming_a_contract_column_twice_is_skipped_its_rows_quarantined(tmp_path):
    """Which of two `srv` columns holds the SRV is a guess (DuckDB would read the first
    and call the other srv_1), so the file is skipped by name and its rows kept. Names
    match ignoring case, as DuckDB matches them; a repeated column the contract does
    not name is ignored like any extra column."""
    import pyarrow
    import pyarrow.parquet


    landing = tmp_path / "landing"
    columns = column_names("service_requests")  # srv is the 5th of 12, csp_region the 10th
    assert (columns.index("srv"), columns.index("csp_region"), len(columns)) == (4, 9, 12)
    rows = [dict(req("c1"), SRV="8.1.1"), dict(req("c2"), SRV="8.1.1")]
    write_csv(landing, "service_requests", rows, name="a_two_srv.csv", columns=columns + ["SRV"])
    write_csv(landing, "service_requests", [dict(req("e1"), note="x")], name="b_extra_twice.csv",
              columns=columns + ["note", "note"])
    values = [pyarrow.array([str(v) if v is not None else None for v in (req("p1")[c], req("p2")[c])])
              for c in columns]
    table = pyarrow.Table.from_arrays(values[:1] + values + values[9:10], names=columns[:1] + columns + ["csp_region"])
    # request_id first, then the 12 (csp_region 11th), then csp_region again (14th)
    pyarrow.parquet.write_table(table, landing / "service_requests" / "c_two_ids.parquet")
    # written with ", " between the names: DuckDB trims the spaces, so " SRV" is srv again
    spaced = write_csv(landing, "service_requests", rows, name="d_spaced.csv", columns=columns + ["SRV"])
    header, body = spaced.read_text().split("\n", 1)
    spaced.write_text(header.replace(",", ", ") + "\n" + body)
    # both faults at once: no user_id (the 3rd), so srv is the 4th and SRV the 12th
    write_csv(landing, "service_requests", rows, name="e_no_user_two_srv.csv",
              columns=[c for c in columns if c != "user_id"] + ["SRV"])
    con = duckdb.connect()
    assert ingest(con, landing).skipped == {
        "service_requests/a_two_srv.csv": "file skipped: column srv is named twice (columns 5 and 13 of the file)",
        "service_requests/c_two_ids.parquet": "file skipped: column request_id is named twice (columns 1 and 2 of "
                                              "the file); column csp_region is named twice (columns 11 and 14 of "
                                              "the file)",
        "service_requests/d_spaced.csv": "file skipped: column srv is named twice (columns 5 and 13 of the file)",
        "service_requests/e_no_user_two_srv.csv": "file skipped: missing required column user_id; column srv is "
                                                  "named twice (columns 4 and 12 of the file)",
    }
    assert con.execute("select file, status, rows_read from raw.landing_files order by 1").fetchall() == [
        ("service_requests/a_two_srv.csv", "skipped", 2), ("service_requests/b_extra_twice.csv", "loaded", 1),
        ("service_requests/c_two_ids.parquet", "skipped", 2), ("service_requests/d_spaced.csv", "skipped", 2),
        ("service_requests/e_no_user_two_srv.csv", "skipped", 2)]
    kept = con.execute("select file, count(*), count(raw_line) from raw.malformed_lines group by 1 order by 1")
    assert kept.fetchall() == [(f"service_requests/{name}", 2, 2) for name in (
        "a_two_srv.csv", "c_two_ids.parquet", "d_spaced.csv", "e_no_user_two_srv.csv")]
    assert con.execute("select request_id from raw.service_requests_csv").fetchall() == [("e1",)]


def test_files_read_by_other_reading_code_are_read_again(tmp_path, monkeypatch):
    """A fix to how files are read must reach the files read before it. An earlier pmr
    loaded a file naming srv twice (it did not check for repeats); the next ingest by
    this code reads every file again, unchanged ones too, and skips that file. Then,
    read by the same code, nothing is read again."""
    from pmr import build_state, landing_file

    columns = [*column_names("service_requests"), "SRV"]
    write_csv(tmp_path, "service_requests", [dict(req("t1"), SRV="8.1.1")], name="two_srv.csv", columns=columns)
    write_csv(tmp_path, "service_requests", [req("k1")], name="kept.csv")
    con = duckdb.connect()
    with monkeypatch.context() as earlier_pmr:
        earlier_pmr.setattr(build_state, "reader_fingerprint", lambda: "an earlier pmr")
        earlier_pmr.setattr(landing_file, "repeated_columns", lambda source, names: {})
        report = ingest(con, tmp_path)
    assert (sorted(report.loaded), report.read_again) == (
        ["service_requests/kept.csv", "service_requests/two_srv.csv"], None)
    messages = []
    report = ingest(con, tmp_path, messages.append)
    assert report.read_again == messages[0] == (
        "every landing file is read again: pmr reads landing files differently since they were read (a new "
        "version of pmr, DuckDB or Python)")
    assert (report.loaded, report.unchanged) == (["service_requests/kept.csv"], [])
    assert report.skipped == {
        "service_requests/two_srv.csv": "file skipped: column srv is named twice (columns 5 and 13 of the file)"}
    assert con.execute("select request_id from raw.service_requests_csv").fetchall() == [("k1",)]
    report = ingest(con, tmp_path)
    assert (report.read_again, report.loaded, sorted(report.unchanged)) == (
        None, [], ["service_requests/kept.csv", "service_requests/two_srv.csv"])
    # no record of the reader: a first ingest that stopped half way, or a warehouse older than the record
    con.execute("delete from raw.ingest_state")
    report = ingest(con, tmp_path)
    assert (report.loaded, report.read_again) == (["service_requests/kept.csv"], (
        "every landing file is read again: no ingest into this warehouse has finished since this version of pmr "
        "records how files are read (the first ingest stopped, or the warehouse is older)"))


def test_a_column_that_looks_like_a_misspelt_contract_column_skips_its_file(tmp_path):
    """Read as an extra column and ignored, `delivred_at` would leave delivered_at empty
    in every alert of the file: each would count as never delivered, so late. A file
    with such a column is skipped, its rows quarantined, saying which column it may be.
    One with the contract column and a look-alike beside it loads, and so do files with
    other columns one letter away from an absent one (rtt_us, requestor_id: a review
    found these skipped when any close name counted)."""
    from tests.helpers import alert_row

    alert_columns = column_names("alerts")
    misspelt = ["delivred_at" if c == "delivered_at" else c for c in alert_columns]
    write_csv(tmp_path, "alerts", [dict(alert_row("a1"), delivred_at="2026-10-05T10:00:05Z")], name="a.csv",
              columns=misspelt)
    request_columns = ["Recieved_At" if c == "received_at" else c for c in column_names("service_requests")]
    write_csv(tmp_path, "service_requests", [dict(req("r1"), Recieved_At="2026-10-05T10:00:00Z")], name="b.csv",
              columns=request_columns + ["note"])
    write_csv(tmp_path, "alerts", [dict(alert_row("a2"), **{"delivered-at": "x"})], name="c.csv",
              columns=alert_columns + ["delivered-at"])
    write_csv(tmp_path, "alerts", [dict(alert_row("a3"), batch="7")], name="d.csv",
              columns=[c for c in alert_columns if c != "delivered_at"] + ["batch"])
    write_csv(tmp_path, "alerts", [dict(alert_row("a4"), requestor_id="SUP009")], name="e.csv",
              columns=[c for c in alert_columns if c != "request_id"] + ["requestor_id"])
    write_csv(tmp_path, "csp_test_messages", [dict(csp_region="North", sent_at="2026-10-05T10:00:00Z", rtt_us="900")],
              columns=["csp_region", "sent_at", "rtt_us"])
    con = duckdb.connect()
    report = ingest(con, tmp_path)
    assert report.skipped == {
        "alerts/a.csv": "file skipped: column delivred_at is not in the contract: is it delivered_at? (without "
                        "delivered_at the file has it empty)",
        "service_requests/b.csv": "file skipped: missing required column received_at; column Recieved_At is not in "
                                  "the contract: is it received_at?",
    }
    assert sorted(report.loaded) == ["alerts/c.csv", "alerts/d.csv", "alerts/e.csv", "csp_test_messages/extract.csv"]
    assert con.execute("select file, count(*) from raw.malformed_lines group by 1 order by 1").fetchall() == [
        ("alerts/a.csv", 1), ("service_requests/b.csv", 1)]


def test_text_written_as_parquet_binary_is_skipped_saying_what_to_change(tmp_path):
    """Hive and Impala write text as binary without the STRING annotation by default."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [req("r1"), req("r2")]
    table = pa.Table.from_pylist(rows).cast(pa.schema(
        [pa.field(name, pa.binary() if name == "request_id" else pa.Table.from_pylist(rows).schema.field(name).type)
         for name in rows[0]]))
    (tmp_path / "service_requests").mkdir()
    pq.write_table(table, tmp_path / "service_requests" / "impala.parquet")
    con = duckdb.connect()
    assert ingest(con, tmp_path).skipped == {
        "service_requests/impala.parquet": "file skipped: column request_id is BLOB, which cannot be read as a string "
                                           "(Parquet binary without the STRING annotation): write text columns as "
                                           "strings"}
    assert con.execute("select count(*) from raw.malformed_lines").fetchone()[0] == 2


def test_each_file_records_the_contract_columns_it_has_and_its_other_columns(tmp_path):
    """The gate warns of a file read without a contract column (empty in each of its
    rows) and names the columns the contract does not: delivered_at abbreviated
    dlvd_at is one. Parquet and CSV alike, other columns in file order as written."""
    from tests.helpers import alert_row, write_parquet

    renamed = [c if c != "delivered_at" else "dlvd_at" for c in column_names("alerts")]
    row = {**alert_row("a1"), "dlvd_at": "2026-10-05T10:00:02Z", "Note": "x"}
    write_csv(tmp_path, "alerts", [row], name="abbreviated.csv", columns=["Note", *renamed])
    write_parquet(tmp_path, "service_requests", "extra.parquet", [req("r1")], extra={"Comment": "'y'", "batch": "3"})
    con = duckdb.connect()
    assert ingest(con, tmp_path).skipped == {}
    assert con.execute("select file, columns, other_columns from raw.landing_files order by file").fetchall() == [
        ("alerts/abbreviated.csv", sorted(set(column_names("alerts")) - {"delivered_at"}), ["Note", "dlvd_at"]),
        ("service_requests/extra.parquet", sorted(column_names("service_requests")), ["Comment", "batch"]),
    ]


def test_skip_reasons_name_the_file_by_its_landing_key_not_by_where_it_is(tmp_path):
    """DuckDB's errors name the file they read in double quotes, or in none: the reasons
    of quality.csv and the report said where this machine keeps the landing folder,
    and differed between two machines reading the same files."""
    landing = tmp_path / "landing"
    rows = [req(f"r{n}", device_id=f"device-{n}") for n in range(3000)]
    flipped = write_parquet(landing, "flipped.parquet", rows)
    data = bytearray(flipped.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 200] = bytes(b ^ 0xFF for b in data[middle:middle + 200])
    flipped.write_bytes(bytes(data))
    garbled = landing / "service_requests" / "garbled.parquet"
    garbled.write_bytes(b"PAR1" + bytes(range(256)) * 40 + data[-2000:])
    con = duckdb.connect()
    skipped = ingest(con, landing).skipped
    assert set(skipped) == {"service_requests/flipped.parquet", "service_requests/garbled.parquet"}
    reasons = [reason for (reason,) in con.execute(
        "select error from raw.landing_files union all select error from raw.malformed_lines").fetchall()]
    assert reasons and not [reason for reason in reasons if reason and str(tmp_path) in reason]
    for key, reason in skipped.items():
        assert str(tmp_path) not in reason and (key in reason or "unreadable" in reason), reason


def test_a_file_removed_from_the_landing_is_named_in_the_run_log_and_the_console(tmp_path):
    """Its rows leave the warehouse, so the figures change: the run says which file went."""
    from pmr.pipeline import ingest_step
    from pmr.run_log import RunLog

    landing, db = tmp_path / "landing", tmp_path / "w.duckdb"
    write_csv(landing, "service_requests", [req("a1")], name="2026-10-01.csv")
    gone = write_csv(landing, "service_requests", [req("b1")], name="2026-10-02.csv")
    log = RunLog(month="2026-10", landing=str(landing), warehouse=str(db))
    assert "removed" not in ingest_step(log, landing, db, lambda message: None)
    gone.unlink()
    said = []
    record = ingest_step(log, landing, db, said.append)
    assert (record["files_removed"], record["removed"]) == (1, ["service_requests/2026-10-02.csv"])
    assert ("removed service_requests/2026-10-02.csv: no longer in the landing folder, its rows leave the "
            "warehouse") in said
