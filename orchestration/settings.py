"""Configuration of the code location, from environment variables:

- PMR_LANDING: the landing folder (default landing/demo)
- PMR_OUT: the folder that receives <YYYY-MM>/ reports (default out)
- PMR_DB: the DuckDB warehouse (default warehouse/pmr.duckdb, as `pmr run`)
- PMR_FIRST_MONTH: the first monthly partition, from 2000-01 (default 2026-10, the first whole month of the demo
  data, which starts on 3 September: a partial September could never publish, and the deadline
  sensor would flag it late for ever)

Relative paths given in the environment are taken from the current folder, like
the `pmr` command's options; the defaults sit in the project folder. An empty
variable counts as unset. A value that cannot be used (PMR_FIRST_MONTH not YYYY-MM
or outside the calendar, PMR_LANDING or PMR_OUT naming a file, PMR_DB a folder or a
file that is not a DuckDB database, PMR_MEMORY_LIMIT not an amount or 0) stops the
code location from loading with a SettingsError that names the variable and what it
expects.
"""

import os
from pathlib import Path

import dagster as dg

from pmr import PROJECT_DIR
from pmr.calendar import UK, deadline, parse_month
from pmr.warehouse import check_warehouse_file, db_path, memory_limit


class SettingsError(ValueError):
    """An environment variable of the code location holds a value it cannot use."""


def first_month() -> str:
    """PMR_FIRST_MONTH, checked: the first monthly partition, YYYY-MM."""
    value = os.environ.get("PMR_FIRST_MONTH") or "2026-10"
    try:
        parse_month(value)
    except ValueError:
        raise SettingsError(f"PMR_FIRST_MONTH must be the first monthly partition as YYYY-MM (e.g. 2026-09), "
                            f"got {value!r}") from None
    try:  # the deadline sensor counts every month's Working Days from this one on
        deadline(value)
    except ValueError as error:
        raise SettingsError(f"PMR_FIRST_MONTH={value}: {error}") from None
    return value

# Every step that opens the DuckDB file (writes or reads) is in this pool; the job
# also runs its steps one at a time (in-process executor), since DuckDB allows one
# process per file when anyone writes.
DUCKDB_POOL = "pmr_duckdb"
FIRST_MONTH = first_month()

monthly = dg.MonthlyPartitionsDefinition(start_date=FIRST_MONTH, fmt="%Y-%m", timezone=UK, end_offset=0)
# One month per run: a run has one run folder and one run log, and dbt gets one period.
one_month_per_run = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)


def _from_env(name: str, default: str) -> str:
    value = os.environ.get(name)
    if value:
        path = Path(value)
        path = path if path.is_absolute() else Path.cwd() / path
    else:
        path = PROJECT_DIR / default
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{name} must be a folder (it need not exist yet), but {path} is a file")
    return str(path)


def _db_from_env() -> str:
    path = db_path()  # PMR_DB, as `pmr run` reads it
    if path.is_dir():
        raise SettingsError(f"PMR_DB must be the warehouse's DuckDB file, but {path} is a folder")
    try:
        check_warehouse_file(path)
    except ValueError as error:
        raise SettingsError(f"PMR_DB: {error}") from None
    return str(path)


def _check_memory_limit() -> None:
    """PMR_MEMORY_LIMIT is read when dbt runs; a bad value is reported when the code
    location loads rather than in the middle of a run."""
    try:
        memory_limit()
    except ValueError as error:
        raise SettingsError(str(error)) from None  # names PMR_MEMORY_LIMIT and the expected form


class PmrSettings(dg.ConfigurableResource):
    """Where the warehouse reads its extracts, keeps its database and publishes."""

    landing: str
    out: str
    db: str

    @classmethod
    def from_env(cls) -> "PmrSettings":
        """The settings of PMR_LANDING, PMR_OUT and PMR_DB; raises SettingsError
        (naming the variable) for a value that cannot be used."""
        _check_memory_limit()
        return cls(
            landing=_from_env("PMR_LANDING", "landing/demo"),
            out=_from_env("PMR_OUT", "out"),
            db=_db_from_env(),
        )

    @property
    def landing_path(self) -> Path:
        return Path(self.landing)

    @property
    def out_path(self) -> Path:
        return Path(self.out)

    @property
    def db_path(self) -> Path:
        return Path(self.db)
