"""Two runs must never mix their steps: a run whose warehouse another run opened
between two of its steps stops before reading anything, and publishes nothing
(pmr/run_claim.py); the other run goes on."""

import json

import pytest

from pmr import cli, pipeline
from pmr.dbt_runner import DbtResult, run_dbt
from pmr.run_claim import WarehouseTakenOver
from pmr.run_log import RunLog
from pmr.warehouse import connect
from tests.gate_landings import MONTH, write_good_landing

OTHER_MONTH = "2026-09"


def quiet(message: str) -> None:
    pass


def new_log(month: str, landing, db) -> RunLog:
    return RunLog(month=month, landing=str(landing), warehouse=str(db))


def test_every_later_step_of_a_run_that_lost_the_warehouse_stops(tmp_path):
    landing, db = write_good_landing(tmp_path / "landing"), tmp_path / "w.duckdb"
    first = new_log(MONTH, landing, db)
    pipeline.ingest_step(first, landing, db, quiet)
    assert first.claimed_at is not None
    # its own next step holds the warehouse still
    build = pipeline.plan_dbt_build(first, db, MONTH, False, quiet)

    second = new_log(OTHER_MONTH, landing, db)
    pipeline.ingest_step(second, landing, db, quiet)

    # dbt ran for the first run, then another run took the warehouse: the first run
    # must not count the other run's tables in its run log
    record: dict = {}
    built = DbtResult(ok=True, results=[{"unique_id": "model.pmr_warehouse.pmr_rsvp", "status": "success"}],
                      log_tail="")
    for step in (lambda: pipeline.finish_dbt_build(first, db, build, record, built),
                 lambda: pipeline.plan_dbt_build(first, db, MONTH, False, quiet),
                 lambda: pipeline.collect_step(first, db, MONTH),
                 lambda: pipeline.gate_step(first, db, MONTH, [], quiet)):
        with pytest.raises(WarehouseTakenOver) as taken:
            step()
        assert f"a pmr run started at {second.started_at} of {OTHER_MONTH}" in str(taken.value)
        assert f"Run {MONTH} again" in str(taken.value)
    assert "rows" not in record and "nodes" not in record
    # the run that took the warehouse goes on
    pipeline.plan_dbt_build(second, db, OTHER_MONTH, False, quiet)


def test_a_run_whose_claim_was_removed_stops_too(tmp_path):
    landing, db = write_good_landing(tmp_path / "landing"), tmp_path / "w.duckdb"
    log = new_log(MONTH, landing, db)
    pipeline.ingest_step(log, landing, db, quiet)
    with connect(db) as con:
        con.execute("drop table raw.run_claim")
    with pytest.raises(WarehouseTakenOver, match="removed the claim"):
        pipeline.gate_step(log, db, MONTH, [], quiet)


def test_dbt_builds_nothing_for_a_run_that_lost_the_warehouse(tmp_path):
    landing, db = write_good_landing(tmp_path / "landing"), tmp_path / "w.duckdb"
    first, second = new_log(MONTH, landing, db), new_log(OTHER_MONTH, landing, db)
    pipeline.ingest_step(first, landing, db, quiet)
    pipeline.ingest_step(second, landing, db, quiet)

    result = run_dbt(["seed", "--select", "alert_codes"], db, period=MONTH, claim=first.claim)
    assert not result.ok and result.results == []
    assert "another run took the warehouse" in result.log_tail
    with connect(db, read_only=True) as con:
        assert not con.execute("select * from duckdb_tables() where table_name = 'alert_codes'").fetchall()

    # the claim's holder builds
    result = run_dbt(["seed", "--select", "alert_codes"], db, period=OTHER_MONTH, claim=second.claim)
    assert result.ok
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from reference.alert_codes").fetchone()[0] == 8


def test_pmr_run_taken_over_before_its_gate_exits_3_and_publishes_nothing(tmp_path, monkeypatch, capsys):
    landing, db, out = write_good_landing(tmp_path / "landing"), tmp_path / "w.duckdb", tmp_path / "out"
    real_gate_step = pipeline.gate_step
    other = new_log(OTHER_MONTH, landing, db)

    def gate_step_after_another_run_ingested(*args, **kwargs):
        pipeline.ingest_step(other, landing, db, quiet)
        return real_gate_step(*args, **kwargs)

    monkeypatch.setattr(pipeline, "gate_step", gate_step_after_another_run_ingested)
    code = cli.main(["run", "--month", MONTH, "--landing", str(landing), "--out", str(out),
                     "--db", str(db), "--allow-missing-days"])
    stderr = capsys.readouterr().err
    assert code == 3, stderr
    assert "was used by another run between two steps of this run" in stderr
    assert not (out / MONTH).exists()
    (run_folder,) = (out / ".runs" / MONTH).iterdir()
    log = json.loads((run_folder / "run-log.json").read_text())
    assert log["status"] == "failed"
    assert "checks" not in [s["step"] for s in log["steps"] if s["status"] == "ok"]
    assert "was used by another run" in log["steps"][-1]["error"]
