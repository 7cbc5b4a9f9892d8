"""Ctrl-C and SIGTERM stop a `pmr` command, also in the middle of one of its own DuckDB
queries (ingest, the gate's reads, `pmr generate`, `pmr sql`).

DuckDB runs a query with Python's signal handlers live: it calls them as it goes, and
when one raises (KeyboardInterrupt for Ctrl-C, Terminated for SIGTERM) it cancels the
query, drops that exception and raises `RuntimeError('Query interrupted')` in its
place. Reported as it stands, a stopped run read as a failed one: a traceback, exit
code 1 (bad input) and "Query interrupted" in its run log. The handlers here note the
stop they raise, so the interrupted query is reported as the stop it was."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Iterator

_INTERRUPTED_QUERY = "Query interrupted"


class Terminated(BaseException):
    """SIGTERM (a scheduler's or `timeout`'s stop): handled like Ctrl-C, so the run log
    is written and the warehouse's build state says the build did not finish. A
    BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it."""


_last_stop: BaseException | None = None


def _stop(stop: BaseException) -> None:
    global _last_stop
    _last_stop = stop
    raise stop


def _on_sigterm(signum, frame) -> None:
    _stop(Terminated("terminated (SIGTERM)"))


def _on_sigint(signum, frame) -> None:
    _stop(KeyboardInterrupt())


@contextmanager
def handled() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated while the block runs,
    and stop_behind knows which one interrupted a DuckDB query."""
    global _last_stop
    _last_stop = None
    previous = {number: signal.signal(number, handler)
                for number, handler in ((signal.SIGTERM, _on_sigterm), (signal.SIGINT, _on_sigint))}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _last_stop = None  # a later interrupted query is another's doing


def is_interrupted_query(error: BaseException) -> bool:
    """DuckDB's error for a query that a signal handler's exception cancelled (pmr
    never cancels a query otherwise)."""
    return type(error) is RuntimeError and str(error) == _INTERRUPTED_QUERY


def stop_behind(error: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM that `error`, an interrupted DuckDB query, stands for, when
    the handlers of `handled` raised it; None for any other error."""
    return _last_stop if is_interrupted_query(error) else None


@contextmanager
def interrupted_queries_as_stops() -> Iterator[None]:
    """Raise the stop behind an interrupted DuckDB query in the block, in its place."""
    try:
        yield
    except RuntimeError as error:
        stop = stop_behind(error)
        if stop is None:
            raise
        if getattr(error, "run_log", None):  # pmr.pipeline's: the message names the log
            stop.run_log = error.run_log
        raise stop from None
