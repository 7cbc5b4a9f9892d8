"""The DuckDB warehouse file: where it is, and opening it with a clear message
when another process holds it (DuckDB allows one writer process per file)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from pmr import PROJECT_DIR

DEFAULT_DB = "warehouse/pmr.duckdb"


class WarehouseLocked(RuntimeError):
    """Another process has the warehouse file open."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: --db, else $PMR_DB, else warehouse/pmr.duckdb in the project."""
    value = explicit or os.environ.get("PMR_DB") or DEFAULT_DB
    path = Path(value)
    return path if path.is_absolute() else (Path.cwd() / path if explicit or os.environ.get("PMR_DB") else PROJECT_DIR / path)


def lock_message(path: Path, detail: str) -> str:
    return (
        f"The warehouse {path} is in use by another process, so this step cannot open it "
        f"(DuckDB allows one process at a time when anyone writes). Wait for the other run "
        f"to finish or close the other connection (e.g. a DuckDB shell or `dagster dev` "
        f"materialising), then try again. DuckDB said: {detail}"
    )


def is_lock_error(text: str) -> bool:
    return "Could not set lock on file" in text or "Conflicting lock is held" in text


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if is_lock_error(str(error)):
            raise WarehouseLocked(lock_message(path, str(error).splitlines()[0])) from None
        raise
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"set memory_limit = '{os.environ.get('PMR_MEMORY_LIMIT', '4GB')}'")
        yield con
    finally:
        con.close()
