"""How much a `pmr generate` call writes, told before it starts, and a call that cannot
fit on the landing folder's disk refused before it writes anything: a mistyped scale
(`--scale 2000` for 0.002) would otherwise run for hours, fill the disk and leave a
landing of half-written days.

Bytes per day at scale 1.0 (national volume), measured on generated weekdays
(2026-12-06: two days at scales 0.01 and 0.05, one week at 1.0): Parquet 1.67-1.74 GB,
CSV 9.8 GB. Weekends and bank holidays are smaller, so the estimate errs high."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from pmr.generator.writer import day_files

BYTES_PER_SCALE_DAY = {"parquet": 1.75e9, "csv": 9.8e9}
FORMAT_NAMES = {"parquet": "Parquet", "csv": "CSV"}


def estimated_bytes(days: int, scale: float, fmt: str) -> float:
    return days * scale * BYTES_PER_SCALE_DAY[fmt]


def size_words(size: float) -> str:
    for unit, factor in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if size >= factor:
            return f"{size / factor:,.1f} {unit}"
    return f"{size / 1e3:,.0f} kB"


def plan_words(days: int, scale: float, fmt: str) -> str:
    """What the call writes, for its first progress line."""
    size = size_words(estimated_bytes(days, scale, fmt))
    return f"{days} day{'s' if days > 1 else ''} at scale {scale:g}: about {size} of {FORMAT_NAMES[fmt]} files"


def check_room(start: dt.date, days: int, scale: float, fmt: str, landing: Path) -> None:
    """ValueError when the files of the call would not fit in the free space of the
    landing folder's disk, counting the files of the same days that they replace."""
    need = estimated_bytes(days, scale, fmt)
    folder = Path(landing).absolute()
    while not folder.exists():  # the folder the call would create: its disk is its nearest parent's
        folder = folder.parent
    replaced_days = {start + dt.timedelta(days=i) for i in range(days)}
    replaced = sum(path.stat().st_size for day, paths in day_files(Path(landing)).items() if day in replaced_days
                   for path in paths)
    free = shutil.disk_usage(folder).free + replaced
    if need > free:
        raise ValueError(
            f"{plan_words(days, scale, fmt)} ({size_words(BYTES_PER_SCALE_DAY[fmt])} a day at scale 1, national "
            f"volume), more than the {size_words(free)} free on the disk of {landing}: lower --scale or --days, "
            "or free space")
