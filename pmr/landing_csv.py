"""Reading one CSV landing file into raw.<source>_csv, or skipping it with its reason
(pmr.landing_file.FileSkipped; a CSV file's header as written: pmr.csv_header; its
line endings: pmr.csv_line_endings).

The file is copied as text, one row per row read, tagged with file and row; lines that
cannot be split into the header's columns go to `raw.malformed_lines`, with DuckDB's
reason.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import NoReturn

import duckdb

from pmr.contract import column_names
from pmr.csv_header import WIDE_CSV_LINE_BYTES, header_as_written, header_is_utf8, numbered_header, open_csv
from pmr.csv_line_endings import STRAY_CARRIAGE_RETURN, as_written, mark_stray_carriage_returns, with_lf_line_endings
from pmr.delivered_format import KNOWN_FORMATS, delivered_as
from pmr.gzip_salvage import write_decompressible_part
from pmr.landing_file import (RAW_SCHEMA, FileSkipped, check_contract_columns, file_columns, file_literal, ident,
                              keep_rows_of_skipped_file, restart_file, split_columns, sql_str)

REJECTS = "pmr_rejects"  # DuckDB's tables of the lines a CSV read rejected


class EmptyFile(FileSkipped):
    """A file without a header line: it holds no rows, so none is uncounted."""

    def __init__(self, reason: str):
        super().__init__(reason, counted=True)


class LineTooLong(FileSkipped):
    """A CSV line longer than the reader's limit (a long free-text field)."""


class NoDialectFound(FileSkipped):
    """DuckDB's CSV sniffer gave up on the file (an unterminated quote makes the rest of
    the file one value, which fits no dialect)."""


class MixedLineEndings(FileSkipped):
    """DuckDB's CSV parser stops on a file whose lines end in both CRLF and LF (files
    appended to on two platforms), whatever it detected the line ending to be."""


def _csv_reader(path: Path, max_line_size: int | None, header: list[str] | None) -> str:
    wide = f", max_line_size = {max_line_size}" if max_line_size else ""
    # Given the header's names, DuckDB reads the file without sniffing it first.
    named = (", auto_detect = false, columns = {" + ", ".join(f"{sql_str(name)}: 'VARCHAR'" for name in header) + "}"
             if header else ", all_varchar = true")
    return (
        f"read_csv({file_literal(path)}{named}, header = true, delim = ',', quote = '\"', "
        f"escape = '\"', ignore_errors = true, store_rejects = true{wide}, "
        f"rejects_table = {sql_str(REJECTS + '_errors')}, rejects_scan = {sql_str(REJECTS + '_scans')})"
    )


def _csv_error(error: duckdb.Error, max_line_size: int | None) -> FileSkipped:
    message = str(error)
    if "Maximum line size of" in message:
        if max_line_size:
            return FileSkipped(f"file skipped: unreadable csv file: a line is longer than {max_line_size:,} bytes")
        return LineTooLong("a line is longer than DuckDB's default limit")
    if "Error when sniffing file" in message:
        return NoDialectFound("DuckDB could not detect the file's CSV dialect")
    if "state machine reached an invalid state" in message:
        return MixedLineEndings(f"file skipped: unreadable csv file: {message.splitlines()[0]}")
    return FileSkipped(f"file skipped: unreadable csv file: {message.splitlines()[0]}")


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB appends every CSV read's rejects to the same tables: clear them, so one
    file's malformed lines are never charged to the next."""
    try:
        con.execute(f"drop table if exists {REJECTS}_errors")
        con.execute(f"drop table if exists {REJECTS}_scans")
    except duckdb.Error:
        pass  # a failed read aborted the transaction; the caller rolls back, the next read drops them


def _keep_malformed_lines(con, source: str, key: str, max_line_size: int | None) -> None:
    """One malformed line per line DuckDB rejected. DuckDB reports a line once per
    missing or extra column; the reason kept is the one that counts the line's fields
    (the first missing column's, or the last extra column's). A line over the default
    size limit, which the sniffer's sample did not reach, has the file read again."""
    rejected, too_long = con.execute(
        f"select count(*), count(*) filter (where error_type = 'LINE SIZE OVER MAXIMUM') from {REJECTS}_errors"
    ).fetchone()
    if max_line_size is None and too_long:
        raise LineTooLong("a line is longer than DuckDB's default limit")
    if not rejected:  # most files: two statements fewer each, which a landing of many small files feels
        return
    con.execute(
        f"""insert into {RAW_SCHEMA}.malformed_lines
            select {sql_str(source)}, {sql_str(key)}, line, any_value(csv_line),
                   arg_min(error_type || ': ' || error_message,
                           coalesce(cast(column_idx as bigint), 0) * (case when error_type = 'TOO MANY COLUMNS' then -1 else 1 end))
            from {REJECTS}_errors
            group by line"""
    )
    # DuckDB shows a byte that is not UTF-8 as '?' and may swallow the next character,
    # so such a line is kept as the file has it, that byte escaped (as \xe9).
    not_utf8 = con.execute(
        f"""select distinct errors.line, errors.line_byte_position, scans.file_path
            from {REJECTS}_errors as errors join {REJECTS}_scans as scans using (scan_id, file_id)
            where errors.error_type = 'INVALID ENCODING'"""
    ).fetchall()
    for line, position, file_path in not_utf8:
        con.execute(f"update {RAW_SCHEMA}.malformed_lines set raw_line = ? where file = ? and line = ?",
                    [_line_as_written(Path(file_path), position), key, line])


UNTERMINATED_QUOTE = "unterminated quote"  # in DuckDB's message for a quoted value that never closes


def rows_swallowed_by_a_quote(con, key: str, path: Path) -> str | None:
    """Why a CSV file read with a malformed line holds rows no one counted, or None: a
    value whose quote never closes takes in every line after it, so DuckDB rejects the
    rest of the file as one malformed line (kept cut short) and its rows are in no count."""
    line = con.execute(f"select min(line) from {RAW_SCHEMA}.malformed_lines where file = ? and error like ?",
                       [key, f"%{UNTERMINATED_QUOTE}%"]).fetchone()[0]
    if line is None:
        return None
    lines, last = 0, b"\n"
    with open_csv(path, "rb") as file:
        while chunk := file.read(1 << 20):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    lines += last != b"\n"  # a last line without its line ending
    if lines <= line:
        return None
    return (f"the quote opened on line {line:,} never closes, so the {lines - line:,} lines after it are read as "
            "part of one malformed line and their rows cannot be counted: close the quote and deliver the file again")


def _line_as_written(path: Path, position: int) -> str:
    """The line of a CSV file that DuckDB's rejects place at `position` (of the
    uncompressed text: DuckDB 2.0 gives one past the line's first byte after a \\n,
    the first byte itself after a \\r\\n), bytes that are not UTF-8 escaped."""
    with open_csv(path, "rb") as file:
        file.seek(max(position - 1, 0))
        raw = file.readline(WIDE_CSV_LINE_BYTES)
        if raw in (b"\n", b"\r\n"):  # the end of the line before: the position was the first byte
            raw = file.readline(WIDE_CSV_LINE_BYTES)
    return raw.rstrip(b"\r\n").decode("utf-8", errors="backslashreplace")


def _load_csv(con, source: str, path: Path, key: str, max_line_size: int | None = None,
              header: list[str] | None = None) -> tuple[int, list[str], list[str], list[str]]:
    reader = _csv_reader(path, max_line_size, header)
    _drop_rejects(con)
    try:
        try:
            present = file_columns(con, reader)
        except duckdb.Error as error:
            raise _csv_error(error, max_line_size) from None
        # DuckDB trims the spaces around a CSV header's names (`srv` and ` srv` are one name to it)
        names = [name.strip() for name in header_as_written(path, escape_bytes=True) or []]
        check_contract_columns(con, source, key, reader, present, names, path,
                               lambda: _keep_malformed_lines(con, source, key, max_line_size))
        selects = [f"{ident(present[c][0])}" if c in present else "null" for c in column_names(source)]
        try:
            # the file's rows are the ones this insert adds: nothing of it is in raw.* before
            # (ingest's forget, restart_file), and counting them afterwards would scan every
            # row of the source copied so far, for each file
            rows = con.execute(
                f"insert into {RAW_SCHEMA}.{source}_csv select {', '.join(selects)}, {sql_str(key)}, "
                f"row_number() over () from {reader}"
            ).fetchone()[0]
        except duckdb.Error as error:
            raise _csv_error(error, max_line_size) from None
        try:
            _keep_malformed_lines(con, source, key, max_line_size)
        except duckdb.Error as error:
            raise _csv_error(error, max_line_size) from None
    finally:
        _drop_rejects(con)
    rows += con.execute(f"select count(*) from {RAW_SCHEMA}.malformed_lines where file = ?", [key]).fetchone()[0]
    return rows, *split_columns(source, present), []


def read_csv_file(con, source: str, path: Path, key: str) -> tuple[int, list[str], list[str], list[str]]:
    """(rows read, contract columns present, other columns, no types) of one CSV file copied into
    raw.<source>_csv, or FileSkipped. A file with a line longer than DuckDB's default
    limit (a long free-text field) is read again with a larger one; the default keeps
    the reader's buffers small for every other file. A file whose dialect DuckDB cannot
    detect is read again with its header's names given, so that the lines before the
    fault are read and the rest is quarantined as malformed, not the whole file skipped.
    A file whose lines end in both CRLF and LF is read from a copy with LF endings, and
    one whose parser still stops from a copy whose stray carriage returns make their
    lines malformed (pmr.csv_line_endings)."""
    _check_csv_start(path)
    options: dict = {}
    if not header_is_utf8(path):
        # DuckDB's sniffer would reject the header line and take the first row for it:
        # a header naming a contract column is given to it, bytes escaped
        header = numbered_header(path, escape_bytes=True) or []
        if set(column_names(source)) & {name.strip().lower() for name in header}:
            options["header"] = header
    read = path  # the file DuckDB reads: the landing file, or its copy with LF line endings
    stray_returns: dict[int, bytes] | None = None  # line number -> line, once the copy is marked
    try:
        while True:  # each retry adds what stops its own exception: at most five reads
            try:
                result = _load_csv(con, source, read, key, **options)
                for number, line in (stray_returns or {}).items():  # rejected for the byte put in
                    con.execute(f"update {RAW_SCHEMA}.malformed_lines set raw_line = ?, error = ? where file = ? "
                                "and line = ? and error like 'INVALID ENCODING%'",
                                [as_written(line), STRAY_CARRIAGE_RETURN, key, number])
                return result
            except LineTooLong:
                options["max_line_size"] = WIDE_CSV_LINE_BYTES
            except NoDialectFound:
                options["header"] = numbered_header(path)
                if options["header"] is None:
                    raise FileSkipped("file skipped: unreadable csv file: its first line is not a CSV header") from None
            except MixedLineEndings as skipped:
                if read == path:
                    scratch = Path(tempfile.mkdtemp(prefix="pmr-csv-"))
                    try:
                        with open_csv(path, "rb") as landed:
                            read = with_lf_line_endings(landed, scratch / "lf.csv")
                    except BaseException:  # a full temporary folder: no part of the copy is left in it
                        shutil.rmtree(scratch, ignore_errors=True)
                        raise
                elif stray_returns is None:  # the copy has one line ending: a carriage return inside a line?
                    stray_returns = mark_stray_carriage_returns(read)
                    if not stray_returns:
                        raise FileSkipped(skipped.reason) from None
                else:
                    raise FileSkipped(skipped.reason) from None
            except FileSkipped as skipped:
                if not (path.name.lower().endswith(".gz") and TRUNCATED_GZIP in skipped.reason):
                    raise
                restart_file(con, source, key)
                _keep_rows_of_truncated_gzip(con, source, key, path)
            restart_file(con, source, key)
    finally:
        if read != path:
            shutil.rmtree(read.parent, ignore_errors=True)


TRUNCATED_GZIP = "Unexpected end of GZIP stream"  # DuckDB's error for compressed data that ends early


def _keep_rows_of_truncated_gzip(con, source: str, key: str, path: Path) -> NoReturn:
    """A `.csv.gz` file whose compressed data ends early (an interrupted copy) is
    skipped, but the rows before the break, read from the part that decompresses, are
    kept in the quarantine, so a large loss counts against the quarantine limit as a
    damaged Parquet file's rows do. The rows after the break cannot be counted."""
    with tempfile.TemporaryDirectory(prefix="pmr-truncated-") as scratch:
        readable = Path(scratch) / "readable.csv"
        with open(readable, "wb") as plain:
            write_decompressible_part(path, plain)
        reason = ("file skipped: truncated gzip file (its compressed data ends early); the rows before the break "
                  "are quarantined, and it may hold more that cannot be read: deliver it again")
        _drop_rejects(con)
        try:
            keep_rows_of_skipped_file(con, source, key, _csv_reader(readable, None, None), reason,
                                      lambda: _keep_malformed_lines(con, source, key, None))
        except FileSkipped as skipped:
            skipped.counted = False  # the rows after the break are not
            raise
        finally:
            _drop_rejects(con)


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _check_csv_start(path: Path) -> None:
    """An empty file, one written in UTF-16, or one of another format under a CSV name
    has no header DuckDB can read; say which, rather than list every contract column
    as missing or call its first line no CSV header."""
    compressed = path.name.lower().endswith(".gz")
    try:
        with open_csv(path, "rb") as file:
            start = file.read(4)
    except (OSError, EOFError) as error:
        other = delivered_as(path)
        if compressed and other and other[0] != "gzip-compressed":
            what, advice = other
            raise FileSkipped(f"file skipped: the file is {what}, not gzip-compressed; {advice}") from None
        raise FileSkipped(f"file skipped: unreadable csv file: {error}") from None
    if compressed and not path.stat().st_size:  # gzip has a header and trailer even around nothing
        raise FileSkipped("file skipped: empty file (0 bytes), which no gzip-compressed file is, even one without "
                          "rows: an interrupted copy? deliver it again")
    if start in (b"", UTF8_BOM):
        raise EmptyFile("file skipped: empty file (no header line)")
    if start[:2] in UTF16_BOMS:
        raise FileSkipped("file skipped: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                          "the contract asks for UTF-8")
    for magic, what, advice in KNOWN_FORMATS:
        if start.startswith(magic):
            if compressed:  # compressed twice, or an archive compressed: no name reads it
                what, advice = f"{what} inside its gzip compression", KNOWN_FORMATS[-1][2]
            raise FileSkipped(f"file skipped: the file is {what}, not CSV text; {advice}")
