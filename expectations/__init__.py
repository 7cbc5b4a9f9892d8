"""Great Expectations suites of the publication gate (see suites.py for the list of
checks and which ones block publication). `pmr.gate.evaluate` calls `run_suites`;
GX itself is imported only when a suite runs."""

from __future__ import annotations


def run_suites(con, month, progress=None, allow_missing_days=False):
    from expectations.suites import run_suites as _run_suites

    return _run_suites(con, month, progress, allow_missing_days)
