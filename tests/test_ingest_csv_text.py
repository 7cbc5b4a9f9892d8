"""Ingest alone, without a dbt build, on single CSV files whose text DuckDB's CSV reader
stumbles on: a long line past the sniffer's sample, a first line that is no CSV header,
faults inside gzip files (a Latin-1 byte, an unterminated quote, a copy cut short),
empty and UTF-16 files, values separated by semicolons, carriage returns that end no
line. Each must be read as written or skipped by name with its reason, its rows
counted. Files as a whole (names, columns, changes): test_ingest_single_files.py; the
same faults in a whole landing, built and staged: test_staging_bad_files.py."""

import duckdb
import pytest

from pmr.ingest import ingest
from tests.helpers import request_row as req
from tests.helpers import write_csv


def test_a_long_line_past_the_sniffers_sample_has_the_file_read_again(tmp_path):
    """DuckDB sniffs a CSV file's first 20,480 lines; a line over its 2 MB limit after
    them must not be quarantined as malformed but read with the larger limit."""
    outage = dict(component="dsp_core", started_at="2026-10-05T01:00:00Z", ended_at="2026-10-05T02:00:00Z",
                  planned="false", description="x")
    rows = [dict(outage, outage_id=f"o{n}") for n in range(25_000)]
    rows.append(dict(outage, outage_id="long", description="y" * 3_000_000))
    write_csv(tmp_path, "outages", rows, name="late_long_line.csv")
    con = duckdb.connect()
    report = ingest(con, tmp_path)
    assert report.skipped == {}
    assert con.execute("select status, rows_read from raw.landing_files").fetchall() == [("loaded", 25_001)]
    assert con.execute("select count(*) from raw.malformed_lines").fetchone()[0] == 0
    assert con.execute("select length(description) from raw.outages_csv where outage_id = 'long'").fetchall() == [
        (3_000_000,)]


def test_a_file_without_a_csv_header_is_skipped_by_name(tmp_path):
    (tmp_path / "outages").mkdir()
    (tmp_path / "outages" / "binary.csv").write_bytes(b'"\xff\xfe\x00' * 100)
    con = duckdb.connect()
    assert ingest(con, tmp_path).skipped == {
        "outages/binary.csv": "file skipped: unreadable csv file: its first line is not a CSV header"}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_gzip_files_keep_a_latin1_line_as_written_and_survive_an_unterminated_quote(tmp_path, newline):
    """The same two faults as r_latin1.csv and q_unterminated_quote.csv, in `.csv.gz`
    files: the header and the line's raw bytes are read through gzip, at the
    position DuckDB gives in the uncompressed text."""
    import gzip

    landing = tmp_path / "landing"
    latin1 = write_csv(landing, "service_requests", [req("r1"), req("r2"), req("r3")], name="latin1.csv")
    text = latin1.read_bytes().replace(b"r2,2026-10-05T10:00:00Z,SUP001", b"r2,2026-10-05T10:00:00Z,SUP\xe9")
    quote = write_csv(landing, "service_requests", [req(f"q{n}") for n in range(1, 6)], name="quote.csv")
    lines = quote.read_text().splitlines()
    lines[3] = lines[3].replace(",SUP001,", ',"SUP001,', 1)
    for path, data in ((latin1, text), (quote, ("\n".join(lines) + "\n").encode())):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data.replace(b"\n", newline.encode())))
        path.unlink()
    con = duckdb.connect()
    assert ingest(con, landing).skipped == {}
    assert con.execute("select file, status, rows_read from raw.landing_files order by 1").fetchall() == [
        ("service_requests/latin1.csv.gz", "loaded", 3), ("service_requests/quote.csv.gz", "loaded", 3)]
    malformed = dict(con.execute("select file, raw_line from raw.malformed_lines").fetchall())
    written_r2 = text.splitlines()[2].decode("latin-1").replace("\xe9", "\\xe9")
    assert malformed["service_requests/latin1.csv.gz"] == written_r2
    assert all(f"q{n}," in malformed["service_requests/quote.csv.gz"] for n in (3, 4, 5))
    assert sorted(r[0] for r in con.execute("select request_id from raw.service_requests_csv").fetchall()) == [
        "q1", "q2", "r1", "r3"]


def test_a_truncated_gzip_file_quarantines_the_rows_before_the_break(tmp_path):
    """An interrupted copy cuts a `.csv.gz` file short: it is skipped, and every row that
    decompresses before the break (of both gzip members here, the second cut through)
    is counted as read and quarantined, so the loss counts against the quarantine
    limit instead of vanishing from the accounting."""
    import gzip
    import zlib

    landing = tmp_path / "landing"
    first = write_csv(landing, "service_requests", [req(f"a{n}") for n in range(300)], name="first.csv").read_bytes()
    second = write_csv(landing, "service_requests", [req(f"b{n}") for n in range(3000)], name="second.csv")
    second_rows = second.read_bytes().split(b"\n", 1)[1]  # a second member continues the text: no header
    for path in (landing / "service_requests").iterdir():
        path.unlink()
    cut = gzip.compress(second_rows)
    cut = cut[:len(cut) // 2]
    (landing / "service_requests" / "day.csv.gz").write_bytes(gzip.compress(first) + cut)
    # what decompresses, by hand: all of the first member, the second up to the cut
    text = first + zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(cut)
    lines = text.count(b"\n") + (not text.endswith(b"\n"))  # the last one cut through
    assert 300 < lines - 1 < 3300
    con = duckdb.connect()
    reason = ("file skipped: truncated gzip file (its compressed data ends early); the rows before the break are "
              "quarantined, and it may hold more that cannot be read: deliver it again")
    assert ingest(con, landing).skipped == {"service_requests/day.csv.gz": reason}
    # the rows after the break are unknown: the gate blocks on a file whose rows are not all counted
    assert con.execute("select status, rows_read, all_rows_counted from raw.landing_files").fetchall() == [
        ("skipped", lines - 1, False)]
    kept = con.execute("select error, raw_line from raw.malformed_lines order by line").fetchall()
    assert len(kept) == lines - 1
    assert sum(error == reason for error, _ in kept) >= lines - 2  # the cut line may be kept with DuckDB's reason
    assert '"request_id":"a0"' in kept[0][1]


def test_an_empty_or_utf16_file_is_skipped_saying_why(tmp_path):
    """An empty file, or one holding only a UTF-8 byte order mark, has no rows to lose; a
    UTF-16 file holds rows no one counted."""
    folder = tmp_path / "service_requests"
    folder.mkdir()
    (folder / "a_empty.csv").write_bytes(b"")
    (folder / "a_only_a_bom.csv").write_bytes(b"\xef\xbb\xbf")
    header_only = write_csv(tmp_path, "service_requests", [], name="b_header_only.csv")
    text = header_only.read_text() + ",".join(str(v if v is not None else "") for v in req("u1").values()) + "\n"
    (folder / "c_utf16.csv").write_bytes(text.encode("utf-16"))
    con = duckdb.connect()
    assert ingest(con, tmp_path).skipped == {
        "service_requests/a_empty.csv": "file skipped: empty file (no header line)",
        "service_requests/a_only_a_bom.csv": "file skipped: empty file (no header line)",
        "service_requests/c_utf16.csv": "file skipped: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                                        "the contract asks for UTF-8",
    }
    assert con.execute("select file, status, rows_read, all_rows_counted from raw.landing_files order by 1"
                       ).fetchall() == [
        ("service_requests/a_empty.csv", "skipped", 0, True),
        ("service_requests/a_only_a_bom.csv", "skipped", 0, True),
        ("service_requests/b_header_only.csv", "loaded", 0, True),
        ("service_requests/c_utf16.csv", "skipped", 0, False)]


def test_a_file_separated_by_semicolons_is_skipped_saying_so(tmp_path):
    """A spreadsheet's export with semicolons: its one column per line is no contract
    column; the reason says why, and its 2 rows are counted and quarantined."""
    folder = tmp_path / "service_responses"
    folder.mkdir()
    (folder / "semicolons.csv").write_text("request_id;response_at;response_code\n"
                                           "r1;2026-10-15T10:00:01Z;I0\nr2;2026-10-15T10:00:02Z;I0\n")
    con = duckdb.connect()
    assert ingest(con, tmp_path).skipped == {
        "service_responses/semicolons.csv": "file skipped: missing required columns request_id, response_at, "
        "response_code (the header names them separated by semicolons: the contract's CSV separates values by commas)"}
    assert con.execute("select status, rows_read, all_rows_counted from raw.landing_files").fetchall() == [
        ("skipped", 2, True)]
    assert con.execute("select count(*) from raw.malformed_lines").fetchone()[0] == 2


def _four_requests(landing, name: str, join) -> None:
    """m1-m4 as a CSV file whose lines `join(lines)` puts together, as bytes."""
    import gzip

    path = write_csv(landing, "service_requests", [req(f"m{n}") for n in range(1, 5)], name="tmp.csv")
    lines = path.read_bytes().split(b"\n")[:-1]  # the header and four rows
    path.unlink()
    data = join(lines)
    (landing / "service_requests" / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)


def _read_alone(landing):
    con = duckdb.connect()
    report = ingest(con, landing)
    return (report.skipped, con.execute("select rows_read from raw.landing_files").fetchall(),
            con.execute("select request_id, user_id from raw.service_requests_csv order by 1").fetchall(),
            con.execute("select line, raw_line, error from raw.malformed_lines").fetchall())


@pytest.mark.parametrize("name, newline", [("lf.csv", b"\n"), ("crlf.csv", b"\r\n"), ("lf.csv.gz", b"\n")])
def test_a_carriage_return_inside_a_value_quarantines_its_line_only(tmp_path, name, newline):
    """DuckDB's parser stops on a carriage return that is no line ending; the whole
    file was skipped, its rows uncounted. m2's user is written SUP<CR>001; a quoted
    value keeps its carriage return (m1's user)."""
    def join(lines):
        lines[1] = lines[1].replace(b"SUP001", b'"SUP\r001"')
        lines[2] = lines[2].replace(b"SUP001", b"SUP\r001")
        return newline.join(lines) + newline

    _four_requests(tmp_path, name, join)
    skipped, read, accepted, malformed = _read_alone(tmp_path)
    assert (skipped, read) == ({}, [(4,)])
    assert accepted == [("m1", "SUP\r001"), ("m3", "SUP001"), ("m4", "SUP001")]
    assert malformed == [(3, "m2,2026-10-05T10:00:00Z,SUP\\r001,IS,2.2,1,d1,ESME,SMETS2,North,,100",
                          "STRAY CARRIAGE RETURN: a carriage return inside an unquoted value, not at the line's end")]


def test_a_carriage_return_ending_the_file_is_its_last_line_ending(tmp_path):
    _four_requests(tmp_path, "cr_at_end.csv", lambda lines: b"\n".join(lines) + b"\r")
    skipped, read, accepted, malformed = _read_alone(tmp_path)
    assert (skipped, read, [r for r, _ in accepted], malformed) == ({}, [(4,)], ["m1", "m2", "m3", "m4"], [])


def test_a_latin1_byte_below_the_header_of_a_file_with_mixed_line_endings_is_its_rows_fault(tmp_path):
    """The file is read again from a copy with LF endings, its header given: the header
    was decoded with the file's first 8 KB, so the Latin-1 byte in m3 made it "not a
    CSV header" and the whole file was skipped."""
    def join(lines):
        lines[3] = lines[3].replace(b"SUP001", b"SUP\xe9")
        return lines[0] + b"\n" + lines[1] + b"\n" + lines[2] + b"\r\n" + lines[3] + b"\n" + lines[4] + b"\n"

    _four_requests(tmp_path, "mixed_latin1.csv", join)
    skipped, read, accepted, malformed = _read_alone(tmp_path)
    assert (skipped, read, [r for r, _ in accepted]) == ({}, [(4,)], ["m1", "m2", "m4"])
    assert [(line, raw) for line, raw, _ in malformed] == [
        (4, "m3,2026-10-05T10:00:00Z,SUP\\xe9,IS,2.2,1,d1,ESME,SMETS2,North,,100")]
    assert malformed[0][2].startswith("INVALID ENCODING")
