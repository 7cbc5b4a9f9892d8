"""The Dagster code location's settings: the definitions validate as `dagster` loads
them, environment values are checked and named, the dbt manifest is parsed when its
inputs change and once at a time, and the instance settings free a dead run's pool
slot. The month job's runs: test_orchestration.py."""

import os
import subprocess
import sys
import time

import dagster as dg
import duckdb
import pytest

from orchestration import settings
from orchestration.settings import DUCKDB_POOL
from pmr import PROJECT_DIR


def test_dagster_definitions_validate():
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    completed = subprocess.run(
        [dagster, "definitions", "validate"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "Validation successful" in completed.stderr + completed.stdout


def test_a_bad_first_month_is_named_when_definitions_load(tmp_path):
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    completed = subprocess.run(
        [dagster, "definitions", "validate"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PMR_FIRST_MONTH": "bad"},
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "PMR_FIRST_MONTH must be the first monthly partition as YYYY-MM (e.g. 2026-09), got 'bad'" in output
    assert "does not match format" not in output


@pytest.mark.parametrize("name, value, message", [
    ("PMR_FIRST_MONTH", "2026-9", "PMR_FIRST_MONTH must be the first monthly partition as YYYY-MM"),
    ("PMR_FIRST_MONTH", "2026-13", "PMR_FIRST_MONTH must be the first monthly partition as YYYY-MM"),
    ("PMR_FIRST_MONTH", "1999-06", "PMR_FIRST_MONTH=1999-06: 1999-06 is outside 2000-01 to 2045-12"),
    ("PMR_LANDING", "a-file", "PMR_LANDING must be a folder"),
    ("PMR_OUT", "a-file", "PMR_OUT must be a folder"),
    ("PMR_DB", ".", "PMR_DB must be the warehouse's DuckDB file"),
    ("PMR_DB", "a-file", "PMR_DB: .*a-file is not a DuckDB database file"),
    ("PMR_MEMORY_LIMIT", "lots", "PMR_MEMORY_LIMIT must be an amount such as 6GB"),
    ("PMR_MEMORY_LIMIT", "0GB", "PMR_MEMORY_LIMIT must be more than 0, got '0GB'"),
    ("PMR_MEMORY_LIMIT", "0.0 MB", "PMR_MEMORY_LIMIT must be more than 0, got '0.0 MB'"),
])
def test_bad_environment_values_are_named(tmp_path, monkeypatch, name, value, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("")
    for other in ("PMR_FIRST_MONTH", "PMR_LANDING", "PMR_OUT", "PMR_DB", "PMR_MEMORY_LIMIT"):
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingsError, match=message):
        settings.first_month()
        settings.PmrSettings.from_env()


def test_good_environment_values_are_taken(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PMR_FIRST_MONTH", "2026-10")
    monkeypatch.setenv("PMR_LANDING", "not/yet/there")
    monkeypatch.setenv("PMR_MEMORY_LIMIT", "2GB")
    monkeypatch.delenv("PMR_OUT", raising=False)
    assert settings.first_month() == "2026-10"
    duckdb.connect("w.duckdb").close()  # an existing warehouse file
    monkeypatch.setenv("PMR_DB", "w.duckdb")
    loaded = settings.PmrSettings.from_env()
    assert loaded.landing == str(tmp_path / "not" / "yet" / "there")
    assert loaded.out == str(PROJECT_DIR / "out")
    assert loaded.db == str(tmp_path / "w.duckdb")


def test_the_manifest_fingerprint_sees_added_deleted_and_renamed_files(tmp_path):
    from orchestration.project import input_fingerprint

    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "a.sql"
    model.write_text("select 1")
    (tmp_path / "dbt_project.yml").write_text("name: x")
    first = input_fingerprint(tmp_path)
    assert input_fingerprint(tmp_path) == first
    extra = tmp_path / "models" / "b.sql"
    extra.write_text("select 2")
    assert input_fingerprint(tmp_path) != first
    extra.unlink()  # deleted: back to the first state
    assert input_fingerprint(tmp_path) == first
    os.rename(model, tmp_path / "models" / "c.sql")  # renamed, same time and size
    assert input_fingerprint(tmp_path) != first


def test_definitions_loaded_at_once_parse_one_at_a_time(tmp_path, monkeypatch):
    """Two processes loading the definitions together (`dagster dev`'s webserver and
    daemon, parallel test workers) must not write the target folder at the same time;
    the second finds the first's fresh manifest and does not parse again."""
    import threading
    from pathlib import Path

    from dagster_dbt import DbtProject

    import orchestration.project as project_module

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a.sql").write_text("select 1")
    (tmp_path / "dbt_project.yml").write_text("name: x")
    project = DbtProject(project_dir=tmp_path, target_path=Path("target") / "dagster")
    parses = []

    def slow_parse(p):
        start = time.monotonic()
        time.sleep(0.5)
        Path(p.manifest_path).write_text("{}")
        parses.append((start, time.monotonic()))

    monkeypatch.setattr(project_module, "parse", slow_parse)
    threads = [threading.Thread(target=project_module.ensure_manifest, args=(project,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(parses) == 1
    assert not project_module.manifest_is_stale(project)


def test_the_instance_settings_free_the_pool_slot_of_a_run_whose_worker_died(tmp_path, monkeypatch):
    """A run worker killed outright (out of memory, SIGKILL, a reboot) is marked failed but keeps
    the `pmr_duckdb` slot its step claimed: with one slot, every later run would wait in the
    queue for ever. The settings of orchestration/dagster.yaml run the monitoring daemon, which
    frees the slots of ended runs."""
    import datetime as dt
    import logging
    import types

    import yaml
    from dagster._daemon.monitoring import concurrency

    settings = yaml.safe_load((PROJECT_DIR / "orchestration" / "dagster.yaml").read_text())
    assert settings["run_monitoring"]["enabled"] is True
    with dg.instance_for_test(overrides=settings, temp_dir=str(tmp_path)) as instance:
        assert "MONITORING" in instance.get_required_daemon_types()
        @dg.op
        def step():
            pass

        @dg.job
        def job():
            step()

        run = instance.create_run_for_job(job_def=job)
        instance.event_log_storage.set_concurrency_slots(DUCKDB_POOL, 1)
        assert instance.event_log_storage.claim_concurrency_slot(DUCKDB_POOL, run.run_id, "pmr_dbt").is_claimed
        instance.report_run_failed(run)  # what Dagster records when the worker dies
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
        monkeypatch.setattr(concurrency, "get_current_datetime", lambda: later)
        list(concurrency.execute_concurrency_slots_iteration(types.SimpleNamespace(instance=instance),
                                                             logging.getLogger("test")))
        assert instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).active_slot_count == 0
