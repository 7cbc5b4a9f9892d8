"""A new warehouse starts from the last parse of the project (pmr.dbt_runner): dbt then
parses only the files changed since, and a change made between two warehouses is in
the second one's manifest."""

import json
import os
import subprocess
import sys

from pmr.dbt_runner import target_path_for
from tests.helpers import copy_project

PARSE = ("import sys; from pathlib import Path; from pmr.dbt_runner import run_dbt; "
         "sys.exit(0 if run_dbt(['parse'], Path(sys.argv[1]), period='2026-10').ok else 1)")


def parse(project, db):
    """`dbt parse` by pmr's runner for the warehouse `db`, with the project copy's code;
    dbt's log of it (its debug lines say how it parsed)."""
    env = dict(os.environ, PYTHONPATH=str(project), DBT_LOG_LEVEL_FILE="debug")
    done = subprocess.run([sys.executable, "-c", PARSE, str(db)], cwd=project, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return (target_path_for(db) / "logs" / "dbt.log").read_text()


def raw_code(db, model):
    manifest = json.loads((target_path_for(db) / "manifest.json").read_text())
    return manifest["nodes"][f"model.pmr_warehouse.{model}"]["raw_code"]


def test_a_new_warehouse_starts_from_the_last_parse_and_sees_the_files_changed_since(tmp_path):
    project = copy_project(tmp_path / "project", with_parses=False)
    first_log = parse(project, tmp_path / "first" / "w.duckdb")
    assert "Unable to do partial parsing because saved manifest not found" in first_log
    assert (project / "warehouse" / ".dbt-parse" / "w.duckdb.2026-10.msgpack").is_file()

    model = project / "models" / "metrics" / "metric_alerts.sql"
    model.write_text(model.read_text() + "\n-- edited between the two warehouses\n")
    second = tmp_path / "second" / "w.duckdb"
    second_log = parse(project, second)
    assert "Unable to do partial parsing" not in second_log
    assert "Partial parsing enabled: 0 files deleted, 0 files added, 1 files changed" in second_log
    assert raw_code(second, "metric_alerts").rstrip().endswith("-- edited between the two warehouses")
