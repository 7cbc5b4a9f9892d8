"""`pmr-dbt ARGS`: `dbt ARGS`, stopped when the process that started it dies.

dbt must stop with whatever started it, `pmr run` or a Dagster step, even when that
process is killed outright (SIGKILL, the out-of-memory killer), which no handler sees:
without being told, dbt notices only at its next write to the closed pipe, 15-40 s
later, writing to the warehouse and holding its lock meanwhile. So this asks Linux for
a SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG, which survives exec), then
becomes dbt. Elsewhere the request is skipped.

A parent that dies before the request is made is not seen, unless it named itself in
PMR_DBT_PARENT (its pid), as `pmr run` does; Dagster cannot, so for its steps that
window, the start of this script, stays open.

Only the standard library is imported here: this runs before every dbt command.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1
PARENT_VARIABLE = "PMR_DBT_PARENT"


def dbt_executable() -> str:
    """The dbt of this environment: beside the Python interpreter, else on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def executable() -> str:
    """This script (`pmr-dbt`) as installed beside the Python interpreter; plain dbt
    where it is not installed."""
    candidate = Path(sys.executable).parent / "pmr-dbt"
    return str(candidate) if candidate.exists() else dbt_executable()


def main() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    expected = os.environ.pop(PARENT_VARIABLE, None)
    if expected and os.getppid() != int(expected):
        sys.exit(128 + signal.SIGTERM)  # the parent died before it could be watched: stop as if told
    dbt = dbt_executable()
    os.execvp(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
