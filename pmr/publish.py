"""Atomic publication of a month's report.

Every run gets its own folder `<out>/.runs/<YYYY-MM>/<run id>/`, where its files
(and its run log) are written. Publishing points `<out>/<YYYY-MM>` at a complete
run folder by replacing a symbolic link in one rename, so a reader sees either
the previous report or the new one, never half of either; a failed or crashed
run never touches the published one. Earlier runs stay in `.runs` as versions.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

RUNS = ".runs"


def new_run_folder(out: Path, month: str) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = out / RUNS / month / stamp
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def published_folder(out: Path, month: str) -> Path:
    return out / month


def shows(out: Path, month: str, run_folder: Path) -> bool:
    """Whether `<out>/<month>` is published from `run_folder`."""
    link = published_folder(out, month)
    return link.exists() and link.resolve() == Path(run_folder).resolve()


def check_publishable(out: Path, month: str) -> None:
    """FileExistsError when `<out>/<month>` is a real file or folder, not the link that
    publish replaces: asked before a run starts, and again when it publishes."""
    link = published_folder(out, month)
    if link.exists() and not link.is_symlink():
        raise FileExistsError(
            f"{link} is a real {'folder' if link.is_dir() else 'file'}, not a published report link; move it "
            f"away before publishing into {out}"
        )


def publish(run_folder: Path, out: Path, month: str) -> Path:
    """Make `<out>/<month>` show `run_folder`, atomically."""
    check_publishable(out, month)
    link = published_folder(out, month)
    target = os.path.relpath(run_folder, out)
    temporary = out / f".{month}.publishing"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target, target_is_directory=True)
    os.replace(temporary, link)
    return link
