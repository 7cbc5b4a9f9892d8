"""Configuration of the code location, from environment variables:

- PMR_LANDING: the landing folder (default landing/demo)
- PMR_OUT: the folder that receives <YYYY-MM>/ reports (default out)
- PMR_DB: the DuckDB warehouse (default warehouse/pmr.duckdb, as `pmr run`)
- PMR_FIRST_MONTH: the first monthly partition (default 2026-09, the first month of the demo data)

Relative paths given in the environment are taken from the current folder, like
the `pmr` command's options; the defaults sit in the project folder.
"""

import os
from pathlib import Path

import dagster as dg

from pmr import PROJECT_DIR
from pmr.calendar import UK
from pmr.warehouse import db_path

# Every step that opens the DuckDB file (writes or reads) is in this pool; the job
# also runs its steps one at a time (in-process executor), since DuckDB allows one
# process per file when anyone writes.
DUCKDB_POOL = "pmr_duckdb"
FIRST_MONTH = os.environ.get("PMR_FIRST_MONTH", "2026-09")

monthly = dg.MonthlyPartitionsDefinition(start_date=FIRST_MONTH, fmt="%Y-%m", timezone=UK, end_offset=0)
# One month per run: a run has one run folder and one run log, and dbt gets one period.
one_month_per_run = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)


def _from_env(name: str, default: str) -> str:
    value = os.environ.get(name)
    if value:
        path = Path(value)
        return str(path if path.is_absolute() else Path.cwd() / path)
    return str(PROJECT_DIR / default)


class PmrSettings(dg.ConfigurableResource):
    """Where the warehouse reads its extracts, keeps its database and publishes."""

    landing: str
    out: str
    db: str

    @classmethod
    def from_env(cls) -> "PmrSettings":
        return cls(
            landing=_from_env("PMR_LANDING", "landing/demo"),
            out=_from_env("PMR_OUT", "out"),
            db=str(db_path()),
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
