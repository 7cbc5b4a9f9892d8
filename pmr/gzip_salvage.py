"""What can still be read of a gzip file that was cut short (an interrupted copy)."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import BinaryIO


def write_decompressible_part(path: Path, out: BinaryIO) -> None:
    """Every byte of a gzip file's members that decompresses, up to the break (gzip's
    own reader drops the last buffer it had filled when it meets the break)."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as compressed:
        while chunk := compressed.read(1 << 20):
            while chunk:
                try:
                    out.write(decompressor.decompress(chunk))
                except zlib.error:
                    return  # damaged, not only cut short: what came before is kept
                chunk = b""
                if decompressor.eof:  # a member ended; another may follow
                    chunk, decompressor = decompressor.unused_data, zlib.decompressobj(zlib.MAX_WBITS | 16)
