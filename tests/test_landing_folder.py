"""What the landing folder holds besides the source folders' landing files is listed,
never silently dropped: landing files ingest cannot read (a misspelt source folder,
an extract beside the folders) block publication; other files, and source folders
that are not there, are warnings. Expected lists are written out by hand."""

from __future__ import annotations

import duckdb

from pmr import gate
from pmr.ingest import ingest, unread_entries
from tests.helpers import request_row, write_csv

LANDING_FILE_CHECK = "landing: every landing file is in a source folder"
OTHER_CHECK = "landing: nothing else in the landing folder"
MISSING_FOLDERS = [
    ("service_responses/", 0, "no service_responses/ folder: no service responses read"),
    ("csp_test_messages/", 0, "no csp_test_messages/ folder: no csp test messages read"),
    ("outages/", 0, "no outages/ folder: no outages read"),
    ("incidents/", 0, "no incidents/ folder: no incidents read"),
    ("ch_firmware_events/", 0, "no ch_firmware_events/ folder: no ch firmware events read"),
]


def make_landing(root):
    landing = root / "landing"
    write_csv(landing, "service_requests", [request_row("r1")])
    write_csv(landing, "alerts", [])
    for name, text in {
        "Outages/2026-10-01.csv": "outage_id\n",          # misspelt source folder: 1 landing file
        "Outages/more/2026-10-02.parquet": "x",           # and one more, nested
        "incident/notes.txt": "x",                        # close to incidents/, no landing file
        "misc/readme.txt": "x",                           # unknown folder, nothing to read
        "README.md": "x",                                 # a file beside the folders
        "extract.csv.gz": "x",                            # a landing file beside the folders
        "service_requests/notes.txt": "x",                # not a landing file, in a source folder
        ".staging/2026-10-03.csv": "x",                   # hidden: left alone
        "service_requests/.2026-10-04.csv.part": "x",     # hidden: left alone
    }.items():
        path = landing / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return landing


def test_unread_entries_are_listed_with_their_landing_files(tmp_path):
    assert unread_entries(make_landing(tmp_path)) == [
        ("Outages/", 2, "not a source folder (did you mean outages/?)"),
        ("README.md", 0, "a file outside the source folders"),
        ("extract.csv.gz", 1, "a landing file outside the source folders"),
        ("incident/", 0, "not a source folder (did you mean incidents/?)"),
        ("misc/", 0, "not a source folder"),
        ("service_requests/notes.txt", 0, "not a landing file (.csv, .csv.gz or .parquet)"),
        *MISSING_FOLDERS,
    ]


def test_a_landing_file_outside_the_source_folders_blocks_and_the_rest_warns(tmp_path):
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        report = ingest(con, make_landing(tmp_path))
    assert report.ignored["Outages/"] == "not a source folder (did you mean outages/?); holds 2 landing file(s), not read"
    assert len(report.ignored) == 11
    with duckdb.connect(str(db), read_only=True) as con:
        checks = {c.name: c for c in gate.evaluate(con, "2026-10", [])}
    blocking = checks[LANDING_FILE_CHECK]
    assert not blocking.passed and blocking.blocking
    assert blocking.detail.endswith(
        ": 2 of 11 fail: Outages/ (landing_files=2, reason=not a source folder (did you mean outages/?)); "
        "extract.csv.gz (landing_files=1, reason=a landing file outside the source folders)")
    warning = checks[OTHER_CHECK]
    assert not warning.passed and not warning.blocking
    # the two entries holding landing files fail the blocking check, and are not listed again
    assert "9 of 11 fail: README.md (reason=a file outside the source folders); ch_firmware_events/ (" in warning.detail
    assert "Outages/" not in warning.detail and "extract.csv.gz" not in warning.detail


def test_a_complete_landing_folder_reads_everything(tmp_path):
    from pmr import SOURCES

    landing = tmp_path / "landing"
    for source in SOURCES:
        (landing / source).mkdir(parents=True)
    write_csv(landing, "service_requests", [request_row("r1")])
    assert unread_entries(landing) == []
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        assert ingest(con, landing).ignored == {}
    with duckdb.connect(str(db), read_only=True) as con:
        checks = {c.name: c for c in gate.evaluate(con, "2026-10", [])}
    assert checks[LANDING_FILE_CHECK].passed and checks[OTHER_CHECK].passed


def test_files_ingest_cannot_reach_are_listed_and_block(tmp_path):
    """A file name that is not UTF-8 (a Latin-1 copy from Windows) crashed the run; a link
    to a folder was never walked, so its files were missing without a word; a name with
    a backslash and a glob character was skipped with a warning only."""
    import os

    from pmr import SOURCES

    landing = tmp_path / "landing"
    for source in SOURCES:
        (landing / source).mkdir(parents=True)
    good = write_csv(landing, "service_requests", [request_row("r1")])
    latin1 = os.fsencode(str(landing / "service_requests")) + b"/r\xe9sum\xe9.csv"
    with open(latin1, "wb") as handle:
        handle.write(good.read_bytes())
    archive = tmp_path / "archive"
    write_csv(archive, "service_requests", [request_row("r2")])
    os.symlink(archive / "service_requests", landing / "service_requests" / "older")
    os.symlink(tmp_path / "gone.csv", landing / "service_requests" / "2026-10-09.csv")
    # unzipped from a Windows archive: DuckDB's glob takes the backslash for a folder
    # separator, so no escaping opens the file; it was skipped and the month published
    (landing / "service_requests" / "a\\[1].csv").write_bytes(good.read_bytes())
    # a note whose name is not UTF-8 crashed the run (writing its name to the warehouse)
    with open(os.fsencode(str(landing / "service_requests")) + b"/notes\xe9.txt", "wb") as handle:
        handle.write(b"not data")
    assert unread_entries(landing) == [
        ("service_requests/2026-10-09.csv", 1, "a broken symbolic link"),
        ("service_requests/a\\[1].csv", 1, "the path holds a backslash and one of * ? [, with which DuckDB cannot "
                                           "open it: rename the file (or its folder) to read it"),
        ("service_requests/notes\\xe9.txt", 0, "not a landing file (.csv, .csv.gz or .parquet)"),
        ("service_requests/older/", 1,
         "a symbolic link to a folder, not followed: copy or move its files into the source folder"),
        ("service_requests/r\\xe9sum\\xe9.csv", 1,
         "the file name is not UTF-8 (bytes shown as \\x..): rename the file to read it"),
    ]
    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        report = ingest(con, landing)
    assert len(report.ignored) == 5
    with duckdb.connect(str(db), read_only=True) as con:
        checks = {c.name: c for c in gate.evaluate(con, "2026-10", [])}
        read = con.execute("select file from raw.landing_files order by file").fetchall()
    assert read == [("service_requests/extract.csv",)]
    assert not checks[LANDING_FILE_CHECK].passed and checks[LANDING_FILE_CHECK].blocking
    assert "4 of 5 fail" in checks[LANDING_FILE_CHECK].detail
