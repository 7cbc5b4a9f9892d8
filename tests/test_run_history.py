"""`pmr runs`: a month's runs under <out>/.runs/, as their run logs tell them, and which
one the published link shows."""

from __future__ import annotations

from pmr.cli import main
from pmr.run_log import RunLog


def test_the_runs_of_a_month_oldest_first_with_the_one_shown(tmp_path, capsys):
    out = tmp_path / "out"
    runs = out / ".runs" / "2026-10"

    def run(name, **fields):
        folder = runs / name
        folder.mkdir(parents=True)
        log = RunLog(month="2026-10", landing="l", warehouse="w", started_at="2026-11-10T09:00:00+00:00")
        for key, value in fields.items():
            setattr(log, key, value)
        log.write(folder)
        return folder

    run("20261110T090000Z", status="published", provisional=True,
        definitions={"commit": "abc1234 (2026-11-01)", "seeds_sha256": "9a32705e2a4af23e"})
    run("20261111T090000Z", status="blocked", blocked_by=["accounting: quarantined share within limit"],
        started_at="2026-11-11T09:00:00+00:00")
    run("20261112T090000Z", status="failed", steps=[{"step": "dbt build", "status": "error", "error": "disk full"}],
        started_at="2026-11-12T09:00:00+00:00", orchestrator="dagster")
    run("20261112T100000Z", status="failed", steps=[{"step": "dbt build", "status": "error",
                                                     "error": "terminated (SIGTERM)\ndbt was stopped"}],
        started_at="2026-11-12T10:00:00+00:00")
    shown = run("20261113T090000Z", status="published", started_at="2026-11-13T09:00:00+00:00")
    (runs / "20261114T090000Z").mkdir()  # a run killed before it wrote its log
    (out / "2026-10").symlink_to(shown)

    assert main(["runs", "--month", "2026-10", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"runs of 2026-10 in {runs}, oldest first:"
    rows = [line.split("  ") for line in lines[3:]]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert cells == [
        ["2026-11-10 09:00 GMT", "pmr run", "published", "provisional", "abc1234 (2026-11-01); seeds 9a32705e",
         "20261110T090000Z"],
        ["2026-11-11 09:00 GMT", "pmr run", "blocked", "blocked by accounting: quarantined share within limit",
         "20261111T090000Z"],
        ["2026-11-12 09:00 GMT", "dagster", "failed", "dbt build: disk full", "20261112T090000Z"],
        ["2026-11-12 10:00 GMT", "pmr run", "failed", "dbt build: terminated (SIGTERM)", "20261112T100000Z"],
        ["2026-11-13 09:00 GMT", "pmr run", "published", "final", "<- shown", "20261113T090000Z"],
        ["no readable run-log.json", "20261114T090000Z"],
    ]


def test_a_month_without_runs_says_where_it_looked(tmp_path, capsys):
    assert main(["runs", "--month", "2026-09", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"no runs of 2026-09 under {tmp_path / '.runs' / '2026-09'}\n"
