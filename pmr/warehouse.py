"""The DuckDB warehouse file: where it is, and opening it with a clear message
when another process holds it (DuckDB allows one writer process per file)."""

from __future__ import annotations

import errno
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from pmr import PROJECT_DIR

DEFAULT_DB = "warehouse/pmr.duckdb"
MEMORY_LIMIT_CAP_GB = 8
MEMORY_LIMIT_SHARE_OF_RAM = 0.4
# bytes 8-11 of every DuckDB database file (after an 8-byte checksum)
DUCKDB_MAGIC = b"DUCK"


class WarehouseLocked(RuntimeError):
    """Another process has the warehouse file open."""


class MachineLimit(RuntimeError):
    """The machine, not the data, stopped the run: it stops saying what to change,
    rather than skip a file or fail every check for what it could not hold."""


class OutOfMemory(MachineLimit):
    """DuckDB ran out of the memory PMR_MEMORY_LIMIT gives it."""


class WarehouseDamaged(MachineLimit):
    """A block of the warehouse file fails its checksum, or the file is cut short (a disk
    fault, a copy that did not finish): DuckDB cannot read it, and need not, as the
    warehouse holds nothing that pmr run cannot build again from the landing folder."""

    def __init__(self, detail: str, what: str | None = None, path: Path | None = None, words: str | None = None):
        self.detail = detail  # DuckDB's words, in one line
        super().__init__(words or damaged_message(detail, what, path))


class OutOfDisk(MachineLimit):
    """A disk the run writes to is full: the warehouse's (its file, write-ahead log
    and dbt's target folder beside it), the output folder's or the temporary folder's."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: --db, else $PMR_DB, else warehouse/pmr.duckdb in the project."""
    value = explicit or os.environ.get("PMR_DB") or DEFAULT_DB
    path = Path(value)
    return path if path.is_absolute() else (Path.cwd() / path if explicit or os.environ.get("PMR_DB") else PROJECT_DIR / path)


def check_warehouse_name(path: Path) -> None:
    """ValueError for a warehouse file whose name holds a quote: DuckDB names the
    database after the file, and dbt-duckdb's catalogue queries put that name in quotes
    unescaped, so the build would fail after ingest."""
    if "'" in path.stem or '"' in path.stem:
        raise ValueError(f"the warehouse file's name {path.name!r} holds a quote: dbt names the warehouse's "
                         "database after the file and cannot quote it; name the file without ' or \"")


def check_warehouse_file(path: Path) -> None:
    """ValueError when `path` exists and is not a DuckDB database file (a CSV, an empty
    file): DuckDB refuses to open it, so every step would fail, or when its name holds a
    quote (check_warehouse_name). Reads the file's header only, so a warehouse held by a
    run is checked without waiting for it."""
    check_warehouse_name(path)
    if not path.is_file():
        return
    with path.open("rb") as handle:
        header = handle.read(12)
    if header[8:12] != DUCKDB_MAGIC:
        raise ValueError(f"{path} is not a DuckDB database file; name the warehouse's file, or a path where "
                         "one will be created")


def memory_limit() -> str:
    """How much memory DuckDB may use before it spills to disk: $PMR_MEMORY_LIMIT, else
    40% of this machine's RAM, at most 8GB. DuckDB's own default (80% of RAM) let a
    month at scale 0.02 peak at 17.8 GB; 8GB keeps scale 0.1 from spilling (8.1 GB
    peak) and scale 0.02 at 3.4 GB (docs/benchmarks.md)."""
    explicit = os.environ.get("PMR_MEMORY_LIMIT")
    if explicit:
        amount = re.fullmatch(r"\s*([0-9]+(\.[0-9]+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", explicit, re.IGNORECASE)
        if not amount:
            raise ValueError(f"PMR_MEMORY_LIMIT must be an amount such as 6GB or 500MB, got {explicit!r}")
        if float(amount.group(1)) == 0:  # DuckDB takes 0 and then fails every query
            raise ValueError(f"PMR_MEMORY_LIMIT must be more than 0, got {explicit!r}")
        return explicit
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(1, min(MEMORY_LIMIT_CAP_GB, int(ram * MEMORY_LIMIT_SHARE_OF_RAM / 2**30)))}GB"


# DuckDB's messages for memory it could not get: an OutOfMemoryException's, and the
# same words inside another error (a commit that fails for want of a block)
OUT_OF_MEMORY_TEXT = re.compile(r"Out of Memory Error|could not allocate block|failed to allocate data|"
                                r"failed to pin block")


def _behind(problem: BaseException | None, says: Callable[[BaseException], bool]) -> BaseException | None:
    """The first error in `problem`'s chain (itself, then what it was raised from or
    while handling) that `says` it; None when none does."""
    while problem is not None:
        if says(problem):
            return problem
        problem = problem.__cause__ or problem.__context__
    return None


def out_of_memory_error(problem: BaseException | None) -> BaseException | None:
    """The DuckDB error behind `problem` that says DuckDB ran out of memory, or None."""
    return _behind(problem, lambda error: isinstance(error, duckdb.OutOfMemoryException) or (
        isinstance(error, duckdb.Error) and bool(OUT_OF_MEMORY_TEXT.search(str(error)))))


def out_of_memory_message(error: BaseException, what: str | None = None, note: str = "") -> str:
    """DuckDB's out-of-memory `error` in one line, after what ran out ("reading x.csv")
    when given, then `note`, then the hint: its own advice is left out."""
    first_line = str(error).splitlines()[0]
    return (f"{what} ran out of memory ({first_line}){note}" if what else first_line) + out_of_memory_hint()


def out_of_memory_hint() -> str:
    """What to do about DuckDB's "Out of Memory Error": its own advice (SET memory_limit)
    is not how the warehouse sets it."""
    return (f"\npmr: DuckDB may use {memory_limit()} of memory here (PMR_MEMORY_LIMIT) before spilling to disk; "
            "set PMR_MEMORY_LIMIT higher and run again (docs/benchmarks.md: what months of each scale need; the "
            "demo month needs more than 256MB)")


# ENOSPC and EDQUOT in the words of the C library, which DuckDB and dbt pass on
OUT_OF_DISK_TEXT = re.compile(r"No space left on device|Disk quota exceeded")


def out_of_disk_error(problem: BaseException | None) -> BaseException | None:
    """The error behind `problem` that says a disk is full, or None."""
    return _behind(problem, lambda error: (isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT))
                   or (isinstance(error, duckdb.Error) and bool(OUT_OF_DISK_TEXT.search(str(error)))))


def out_of_disk_message(detail: str, what: str | None = None, note: str = "") -> str:
    """A full disk's error `detail` in one line, after what ran out ("the dbt build
    step") when given, then `note`, then what to do."""
    first_line = detail.strip().splitlines()[0] if detail.strip() else "No space left on device"
    return ((f"{what} ran out of disk space ({first_line}){note}" if what else first_line)
            + "\npmr: free space on the disk that holds the warehouse (PMR_DB or --db; dbt's target folder is "
            "beside it), the output folder (--out) or the temporary folder (TMPDIR), or move them to a disk with "
            "room, and run again")


def machine_limit(problem: BaseException, what: str | None = None, note: str = "") -> MachineLimit | None:
    """The error that stops the run when `problem` is the machine's, not the data's
    (DuckDB out of memory, a full disk, a damaged warehouse file), its message naming
    `what` ran out or found the damage; else None."""
    if isinstance(problem, MachineLimit):
        return problem
    out_of_memory = out_of_memory_error(problem)
    if out_of_memory:
        return OutOfMemory(out_of_memory_message(out_of_memory, what, note))
    out_of_disk = out_of_disk_error(problem)
    if out_of_disk:
        return OutOfDisk(out_of_disk_message(str(out_of_disk), what, note))
    damaged = damaged_error(problem)
    if damaged:
        return WarehouseDamaged(first_line(damaged), what)
    return None


# DuckDB's words for a database file it cannot read whole: a block whose checksum fails
# (said of database files only), and a file shorter than its header says (DuckDB's words
# for a short read of any file: a damaged warehouse only when said as it is opened)
DAMAGED_TEXT = "Corrupt database file"
CUT_SHORT_TEXT = "Could not read enough bytes from file"


def damaged_error(problem: BaseException | None) -> BaseException | None:
    """The DuckDB error behind `problem` that says a database file is damaged, or None."""
    return _behind(problem, lambda error: isinstance(error, duckdb.Error) and DAMAGED_TEXT in str(error))


def first_line(error: BaseException) -> str:
    return str(error).splitlines()[0]


def damaged_message(detail: str, what: str | None = None, path: Path | None = None) -> str:
    """DuckDB's words `detail` for a damaged warehouse, after what found it, then what to do."""
    damaged = f"the warehouse {path}" if path else "the warehouse (PMR_DB or --db)"
    return (f"{what + ': ' if what else ''}{damaged} is damaged ({detail})"
            f"\npmr: the warehouse holds nothing that pmr run cannot build again from the landing folder, and "
            "published reports are not in it: move the file aside (or delete it) and run pmr run again, which "
            "builds it anew")


def lock_message(path: Path, detail: str) -> str:
    # DuckDB's own advice, to open the file read-only instead, does not apply to a step
    # that writes, and `pmr sql` already opens it read-only
    detail = detail.split(" However, you would be able to open this database in read-only mode")[0]
    return (
        f"The warehouse {path} is in use by another process, so this step cannot open it "
        f"(DuckDB allows one process at a time when anyone writes). Wait for the other run "
        f"to finish or close the other connection (e.g. a DuckDB shell or `dagster dev` "
        f"materialising), then try again. DuckDB said: {detail}"
    )


def is_lock_error(text: str) -> bool:
    return "Could not set lock on file" in text or "Conflicting lock is held" in text


def open_connection(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The warehouse opened as every pmr step opens it: times in UTC, pmr's memory limit.
    Raises WarehouseLocked while another process holds it. The caller closes it."""
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
    except (duckdb.Error, OSError) as error:
        if is_lock_error(str(error)):
            raise WarehouseLocked(lock_message(path, str(error).splitlines()[0])) from None
        if damaged_error(error) or CUT_SHORT_TEXT in str(error):
            raise WarehouseDamaged(first_line(error), path=path) from None
        error.add_note("the warehouse file: PMR_DB or --db names it")
        raise
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"set memory_limit = '{memory_limit()}'")
        con.execute("set enable_progress_bar = false")  # pmr prints its own progress per step
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_connection(path, read_only)
    try:
        yield con
    finally:
        con.close()
