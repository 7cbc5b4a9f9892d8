"""`pmr generate` and the machine it runs on: it says how much it will write, refuses a
call whose files would not fit on the landing folder's disk before it writes anything
(pmr.generator.room; a mistyped `--scale 2000` ran for hours, filling the disk), and
keeps to PMR_MEMORY_LIMIT, saying so when it runs out."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

import pytest

from pmr.generator import room
from tests.test_cli_errors import run_cli


def free_space(monkeypatch, free: int) -> None:
    usage = shutil.disk_usage("/")
    monkeypatch.setattr(room.shutil, "disk_usage", lambda path: usage._replace(free=free))


def day_file(landing, source, name, size):
    (landing / source).mkdir(parents=True, exist_ok=True)
    (landing / source / name).write_bytes(b"x" * size)


def test_a_call_that_would_not_fit_is_refused_counting_the_files_it_replaces(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    # 2 days x scale 0.001 x 1.75 GB a day at scale 1 = 3.5 MB
    free_space(monkeypatch, 3_000_000)
    with pytest.raises(ValueError) as refused:
        room.check_room(dt.date(2026, 10, 1), 2, 0.001, "parquet", landing)
    assert str(refused.value) == (
        f"2 days at scale 0.001: about 3.5 MB of Parquet files (1.8 GB a day at scale 1, national volume), more than "
        f"the 3.0 MB free on the disk of {landing}: lower --scale or --days, or free space")
    # files of another day stay: they free nothing
    day_file(landing, "alerts", "2026-10-03.parquet", 600_000)
    with pytest.raises(ValueError):
        room.check_room(dt.date(2026, 10, 1), 2, 0.001, "parquet", landing)
    # the generated days' files are replaced, in any format: 3.0 + 0.3 + 0.3 MB is room for 3.5 MB
    day_file(landing, "service_requests", "2026-10-01.csv", 300_000)
    day_file(landing, "service_responses", "2026-10-02.resent.parquet", 300_000)
    room.check_room(dt.date(2026, 10, 1), 2, 0.001, "parquet", landing)
    # CSV files are 5.6 times larger: 2 x 0.001 x 9.8 GB = 19.6 MB
    with pytest.raises(ValueError, match="about 19.6 MB of CSV files"):
        room.check_room(dt.date(2026, 10, 1), 2, 0.001, "csv", landing)


def test_pmr_generate_refuses_a_scale_that_cannot_fit_before_writing_anything(tmp_path, monkeypatch, capsys):
    free_space(monkeypatch, 70 * 10**9)
    landing = tmp_path / "new" / "landing"
    code, err = run_cli(["generate", "--start", "2026-10-01", "--days", "1", "--scale", "2000", "--landing",
                         str(landing)], capsys)
    assert code == 1
    assert err == ("error: 1 day at scale 2000: about 3.5 TB of Parquet files (1.8 GB a day at scale 1, national "
                   f"volume), more than the 70.0 GB free on the disk of {landing}: lower --scale or --days, or free "
                   "space\n")
    assert not (tmp_path / "new").exists()


def test_pmr_generate_says_what_it_will_write(tmp_path, capsys):
    code, err = run_cli(["generate", "--start", "2026-10-01", "--days", "2", "--landing", str(tmp_path / "l")], capsys)
    assert code == 0
    assert err.splitlines()[0].endswith("] 2 days at scale 0.001: about 3.5 MB of Parquet files")


def test_pmr_generate_keeps_to_the_memory_limit_and_says_so_when_it_runs_out(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PMR_MEMORY_LIMIT", "100MB")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # DuckDB's spill folder: gone with the stop
    landing = tmp_path / "landing"
    # a first batch of 1.7 M requests needs far more than 100MB
    code, err = run_cli(["generate", "--start", "2026-10-01", "--days", "2", "--scale", "0.05", "--landing",
                         str(landing)], capsys)
    assert code == 1
    said = [line for line in err.splitlines() if not line.startswith("[")]
    assert said[0].startswith("error: pmr generate ran out of memory (Out of Memory Error: ")
    assert said[1].startswith("pmr: DuckDB may use 100MB of memory here (PMR_MEMORY_LIMIT) before spilling to disk; "
                              "set PMR_MEMORY_LIMIT higher and run again")
    assert said[2] == (f"stopped: {landing} holds the days written before the stop, the last of them perhaps in part "
                       "(its requests without their responses): run the same pmr generate again to write them whole")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["landing"]
