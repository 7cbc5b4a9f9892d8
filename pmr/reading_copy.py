"""The reading copy: the warehouse as the last run built it, for analysts.

DuckDB lets one process write a file, and no other process open it meanwhile, not
even read-only. An analyst's notebook left open on the warehouse would stop the next
scheduled run, and a query started during a run would stop the run at its next step.
So every run that builds its month's figures ends its writing by copying the warehouse
file to `<warehouse folder>/reading-copy/<warehouse file name>`, and `pmr sql` and
`pmr.ad_hoc.open_warehouse()` read that copy. A run never opens the copy; it replaces
it by renaming a new one over it, which a session holding the old one keeps reading
until it reopens. The copy keeps the warehouse's file name, so DuckDB gives its
database the warehouse's name and a query qualified with it works on either.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import duckdb

FOLDER = "reading-copy"


def reading_copy_path(db: Path) -> Path:
    return Path(db).parent / FOLDER / Path(db).name


def path_to_read(db: Path, live: bool = False) -> Path:
    """The file a query of warehouse `db` reads: its reading copy when there is one,
    else (a warehouse no run has copied yet, or `live`) the warehouse itself."""
    copy = reading_copy_path(db)
    return Path(db) if live or not copy.is_file() else copy


def changed_since_copied(db: Path) -> str | None:
    """A note for a query that reads `db`'s reading copy when the warehouse has been
    written since the copy was made (a run going on, a run that stopped before its copy,
    dbt run by hand), which the copy does not show, or is no longer there. None when
    the copy is current or there is none."""
    copy = reading_copy_path(db)
    try:
        copied = copy.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    when = dt.datetime.fromtimestamp(copied / 1e9, dt.timezone.utc)
    try:
        written = Path(db).stat().st_mtime_ns
    except FileNotFoundError:
        return (f"note: there is no warehouse at {db} (moved or deleted): this reads the reading copy a run made of "
                f"it {when:%Y-%m-%d %H:%M} UTC, which no run will replace until a run builds that warehouse again")
    if written <= copied:
        return None
    return (f"note: this reads the reading copy of the warehouse made {when:%Y-%m-%d %H:%M} UTC; the warehouse has "
            "been written since (a run going on, a run that stopped before it copied the warehouse, its run log "
            "says why, or dbt run by hand), which the copy does not show until a run copies it again: --live "
            "(open_warehouse(live=True)) reads the warehouse itself, while no run writes it")


def no_copy_note(db: Path) -> str:
    """A note for a session that reads warehouse `db` itself because no run has copied
    it yet: while it is open, no run can start."""
    return (f"note: {db} has no reading copy yet (each run makes one once it has collected the month's figures), so "
            "this reads the warehouse itself: while this session is open no run can write it; close it before the "
            "next run")


def copy_lock_message(copy: Path) -> str:
    """The reading copy held by another process: a session that opened it for writing,
    which no run does."""
    return (f"the reading copy {copy} is open for writing in another process (a DuckDB shell opened without "
            "-readonly, or duckdb.connect without read_only=True), which keeps every other reader out: close that "
            "session and open the copy read-only")


def copy_damaged_message(copy: Path, detail: str) -> str:
    """The reading copy cannot be read whole (DuckDB's words `detail`): a disk fault, as
    a copy cut short by a stopped run is never left in its place."""
    return (f"the reading copy {copy} is damaged ({detail})\npmr: the next pmr run makes it again from the "
            "warehouse; until then, pmr sql --live (open_warehouse(live=True) in a notebook) reads the warehouse "
            "itself")


def file_to_read(db: Path, live: bool, session: bool) -> Path:
    """The file a query of warehouse `db` reads (path_to_read), after printing on stderr
    what its reader should know: that the warehouse has changed since the copy, or, for
    a `session` left open (a notebook), that without a copy it holds the warehouse."""
    path = path_to_read(db, live)
    note = changed_since_copied(db) if path != Path(db) else (
        no_copy_note(db) if session and not live and Path(db).is_file() else None)
    if note:
        print(note, file=sys.stderr)
    return path


def _partial_path(db: Path) -> Path:
    copy = reading_copy_path(db)
    return copy.with_name(f".{copy.name}.partial")


def remove_partial(db: Path) -> int:
    """Delete the partial copy that a run killed while copying `db` (SIGKILL, a power
    cut) leaves, as large as the warehouse, before the next run needs the disk to build;
    its size in bytes, 0 when there was none. Only a run holding the warehouse may call
    it: no other process writes the partial copy then."""
    partial = _partial_path(db)
    try:
        size = partial.stat().st_size
        partial.unlink()
    except FileNotFoundError:
        return 0
    return size


def refresh(con: duckdb.DuckDBPyConnection, db: Path) -> int:
    """Replace `db`'s reading copy with the warehouse as it is now; returns its size
    in bytes. `con` must be a connection that writes `db`: it keeps every other process
    out while the file is copied, and its checkpoint leaves every change in the file
    (none in the write-ahead log, which is not copied)."""
    copy = reading_copy_path(db)
    copy.parent.mkdir(exist_ok=True)
    partial = _partial_path(db)
    con.execute("checkpoint")
    try:
        shutil.copyfile(db, partial)
        shutil.copymode(db, partial)  # readable by whoever may read the warehouse
        with partial.open("rb") as written:
            os.fsync(written.fileno())  # renamed over the old copy only once it is whole
        os.replace(partial, copy)
    finally:
        partial.unlink(missing_ok=True)
    # a write-ahead log of the old copy (a session that wrote to it and died) would stop
    # DuckDB opening the new one
    copy.with_name(copy.name + ".wal").unlink(missing_ok=True)
    return copy.stat().st_size
