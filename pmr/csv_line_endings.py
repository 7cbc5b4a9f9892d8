"""Carriage returns that DuckDB's CSV parser stops on ("the CSV Parser state machine
reached an invalid state"), in the copy of a landing file that pmr.landing_csv reads
instead: a file whose lines end in both CRLF and LF (appended to on two platforms),
and a carriage return inside an unquoted value, which no line ending explains."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

STRAY_CARRIAGE_RETURN = "STRAY CARRIAGE RETURN: a carriage return inside an unquoted value, not at the line's end"


def with_lf_line_endings(landed: BinaryIO, copy: Path) -> Path:
    """A copy of a CSV landing file (`landed`, decompressed) whose CRLF line endings
    are LF, so a file mixing both reads as its lines say, and so is a carriage return
    that ends the file. A CRLF inside a quoted value becomes LF."""
    with open(copy, "wb") as target:
        carried = b""
        while chunk := landed.read(1 << 20):
            chunk = carried + chunk
            carried = chunk[-1:] if chunk.endswith(b"\r") else b""  # a CRLF split between two chunks
            target.write(chunk[:len(chunk) - len(carried)].replace(b"\r\n", b"\n"))
        target.write(b"\n" if carried else b"")
    return copy


def mark_stray_carriage_returns(copy: Path) -> dict[int, bytes]:
    """In the copy with LF line endings, each line holding a carriage return and no
    quote gets a byte that is not UTF-8 in its place, so DuckDB rejects that line alone
    (a malformed line, its reason STRAY_CARRIAGE_RETURN) and reads the others. Returns
    those lines as they were, by line number. A line with a quote is left as it is: its
    carriage return may be inside a quoted value."""
    marked = {}
    rewritten = copy.with_name(copy.name + ".marked")
    with open(copy, "rb") as source, open(rewritten, "wb") as target:
        for number, line in enumerate(source, start=1):
            body = line.removesuffix(b"\n")
            if b"\r" in body and b'"' not in body:
                marked[number] = body
                line = body.replace(b"\r", b"\xff") + line[len(body):]
            target.write(line)
    rewritten.replace(copy)
    return marked


def as_written(line: bytes) -> str:
    """A marked line as the landing file has it: carriage returns shown as \\r, bytes
    that are not UTF-8 escaped (as \\xe9)."""
    return line.decode("utf-8", errors="backslashreplace").replace("\r", "\\r")
