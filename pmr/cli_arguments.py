"""What each argument of the `pmr` command line must be: a bad value is refused by
argparse with the reason (exit 1, pmr.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import math
from pathlib import Path


def month(text: str) -> str:
    from pmr.calendar import check_reportable

    try:
        check_reportable(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def path(text: str) -> Path:
    """A path argument; an empty one (an unset shell variable) would mean the current
    folder or the default warehouse without a word."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return Path(text)


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, got {text!r}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text!r}")
    return value
