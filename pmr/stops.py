"""Ctrl-C and SIGTERM stop a `pmr` command, also in the middle of one of its own DuckDB
queries (ingest, the gate's reads, `pmr generate`, `pmr sql`).

DuckDB runs a query with Python's signal handlers live: it calls them as it goes, and
when one raises (KeyboardInterrupt for Ctrl-C, Terminated for SIGTERM) it cancels the
query, drops that exception and raises `RuntimeError('Query interrupted')` in its
place. Reported as it stands, a stopped run read as a failed one: a traceback, exit
code 1 (bad input) and "Query interrupted" in its run log. The handlers here note the
stop they raise, so the interrupted query is reported as the stop it was.

DuckDB only runs the handlers between a query's tasks, and a statement that reads
`range()` alone is one task: `pmr generate` at national scale went on for up to 25 s
after Ctrl-C. A connection given to `interrupt_at_once` is interrupted by a thread as
soon as the signal arrives, within a chunk of rows (DuckDB raises InterruptException).
Only connections whose callers let a duckdb.Error through are given (the generator's,
`pmr sql`'s): ingest reads files under `except duckdb.Error`, and an interrupted read
must never be recorded as a file it could not read."""

from __future__ import annotations

import os
import signal
import threading
import weakref
from contextlib import contextmanager
from typing import Iterator

import duckdb

_INTERRUPTED_QUERY = "Query interrupted"


class Terminated(BaseException):
    """SIGTERM (a scheduler's or `timeout`'s stop): handled like Ctrl-C, so the run log
    is written and the warehouse's build state says the build did not finish. A
    BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it."""


_last_stop: BaseException | None = None
_interrupted_at_once: weakref.WeakSet = weakref.WeakSet()


def _stop_for(signum: int) -> BaseException:
    return Terminated("terminated (SIGTERM)") if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_signal(signum, frame) -> None:
    global _last_stop
    _last_stop = _stop_for(signum)
    raise _last_stop


def interrupt_at_once(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Have a stop interrupt `con`'s running query at once (see the module's words on
    which connections may be given). Returns `con`."""
    _interrupted_at_once.add(con)
    return con


def _interrupt_on_signals(wakeup: int) -> None:
    """Read the signal numbers Python's C handler writes to the wakeup file: note the stop
    and interrupt the connections that asked for it, before the main thread can run."""
    global _last_stop
    while signals := os.read(wakeup, 64):
        stop_signals = [number for number in signals if number in (signal.SIGINT, signal.SIGTERM)]
        if not stop_signals:  # another signal with a Python handler of its own
            continue
        _last_stop = _stop_for(stop_signals[-1])
        for con in list(_interrupted_at_once):
            try:
                con.interrupt()
            except duckdb.Error:  # closed since it was given
                pass
    os.close(wakeup)


@contextmanager
def handled() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated while the block runs,
    and stop_behind knows which one interrupted a DuckDB query."""
    global _last_stop
    _last_stop = None
    previous = {number: signal.signal(number, _on_signal) for number in (signal.SIGTERM, signal.SIGINT)}
    wakeup, wake = os.pipe()
    os.set_blocking(wake, False)  # the C handler must never wait on it
    previous_wakeup = signal.set_wakeup_fd(wake, warn_on_full_buffer=False)
    threading.Thread(target=_interrupt_on_signals, args=(wakeup,), name="pmr-stops", daemon=True).start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_wakeup)
        os.close(wake)  # ends the thread's read
        for number, handler in previous.items():
            signal.signal(number, handler)
        _last_stop = None  # a later interrupted query is another's doing


def is_interrupted_query(error: BaseException) -> bool:
    """DuckDB's error for a query that a signal handler's exception cancelled, or that
    interrupt_at_once interrupted (pmr never cancels a query otherwise)."""
    return (type(error) is RuntimeError and str(error) == _INTERRUPTED_QUERY
            or isinstance(error, duckdb.InterruptException))


def stop_behind(error: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM that `error`, an interrupted DuckDB query, stands for, when
    the handlers of `handled` raised it; None for any other error."""
    return _last_stop if is_interrupted_query(error) else None


@contextmanager
def interrupted_queries_as_stops() -> Iterator[None]:
    """Raise the stop behind an interrupted DuckDB query in the block, in its place."""
    try:
        yield
    except (RuntimeError, duckdb.InterruptException) as error:
        stop = stop_behind(error)
        if stop is None:
            raise
        if getattr(error, "run_log", None):  # pmr.pipeline's: the message names the log
            stop.run_log = error.run_log
        raise stop from None
