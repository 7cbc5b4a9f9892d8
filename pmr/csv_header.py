"""The first line of a CSV landing file, plain or gzip-compressed: its column names as
written (DuckDB trims the spaces around them and numbers a repeated one), and where a
header sits below a title line. Read with Python's csv module, apart from DuckDB's
reader, so a file DuckDB cannot sniff still has its names."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

WIDE_CSV_LINE_BYTES = 64 * 1024 * 1024  # the line limit of the second read of a file with a long line


def open_csv(path: Path, mode: str, **options):
    """A CSV landing file, plain or gzip-compressed (`.csv.gz`), as DuckDB reads it."""
    return (gzip.open if path.name.lower().endswith(".gz") else open)(path, mode, **options)


def numbered_header(path: Path, escape_bytes: bool = False) -> list[str] | None:
    """The column names of a CSV file's first line, duplicates numbered as DuckDB
    numbers them (see header_as_written)."""
    names = header_as_written(path, escape_bytes)
    if names is None:
        return None
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name.lower(), 0)
        seen[name.lower()] = count + 1
        unique.append(name if not count else f"{name}_{count}")
    return unique


def header_as_written(path: Path, escape_bytes: bool = False) -> list[str] | None:
    """The column names of a CSV file's first line, or None when it is not a CSV
    header. A line that is not UTF-8 is none, unless `escape_bytes`: then each such
    byte is escaped (as \\xe9). Only the first line is decoded: a Latin-1 byte in a row
    below it is that row's fault."""
    errors = "backslashreplace" if escape_bytes else "strict"
    try:
        with open_csv(path, "rb") as file:
            first_line = file.readline(WIDE_CSV_LINE_BYTES).split(b"\r", 1)[0].rstrip(b"\n")  # any line ending
        names = next(csv.reader([first_line.decode("utf-8-sig", errors=errors)]), None)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error):
        return None
    if not names or not any(name.strip() for name in names):
        return None
    return names


def header_line_naming(path: Path, columns: list[str], lines: int = 5) -> int | None:
    """The number of the first of a CSV file's first lines naming all of `columns`."""
    try:
        with open_csv(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as file:
            for number, names in enumerate(csv.reader(file), start=1):
                if set(columns) <= {name.strip().lower() for name in names}:
                    return number
                if number == lines:
                    break
    except (OSError, EOFError, csv.Error):
        pass
    return None


def separated_by_semicolons(path: Path, columns: list[str]) -> bool:
    """Whether a CSV file's first line names all of `columns` once split at semicolons
    (a spreadsheet's export where the decimal separator is a comma)."""
    try:
        with open_csv(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as file:
            first_line = file.readline(WIDE_CSV_LINE_BYTES)
    except (OSError, EOFError):
        return False
    names = next(csv.reader([first_line.rstrip("\r\n")], delimiter=";"), [])
    return len(names) > 1 and set(columns) <= {name.strip().lower() for name in names}


def header_is_utf8(path: Path) -> bool:
    """Whether a CSV file's first line is UTF-8 (a file that cannot be opened is
    reported by the read itself)."""
    try:
        with open_csv(path, "rb") as file:
            file.readline(WIDE_CSV_LINE_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        return False
    except (OSError, EOFError):
        pass  # reported by the read itself
    return True
