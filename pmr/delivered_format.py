"""What a landing file really is, by its first bytes as stored: a file skipped for its
format is named for what it is (gzip, Parquet, a zip archive, text), with the name the
contract gives such a file, whichever reader met it."""

from __future__ import annotations

import codecs
from pathlib import Path

# Formats a landing file may be delivered in, known by its first bytes: (first bytes,
# what the file is, how the contract names such a file).
KNOWN_FORMATS = ((b"\x1f\x8b", "gzip-compressed", "a gzip-compressed CSV file is named .csv.gz"),
                 (b"PAR1", "a Parquet file", "a Parquet file is named .parquet"),
                 (b"PK\x03\x04", "a zip archive", "the contract takes .csv, .csv.gz and .parquet files"))
TEXT_ADVICE = "a CSV file is named .csv"


def file_start(path: Path, size: int) -> bytes:
    """The first `size` bytes of a file as stored (not decompressed); empty when unreadable."""
    try:
        with open(path, "rb") as file:
            return file.read(size)
    except OSError:
        return b""


def delivered_as(path: Path) -> tuple[str, str] | None:
    """(what a file is, how the contract names such a file) by its first bytes as
    stored: one of KNOWN_FORMATS, or text when its first 4 KB are UTF-8; None for
    anything else and for an empty file."""
    start = file_start(path, 4096)
    for magic, what, advice in KNOWN_FORMATS:
        if start.startswith(magic):
            return what, advice
    try:  # a character cut at the 4 KB boundary is no fault
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        return None
    return ("text", TEXT_ADVICE) if start else None
