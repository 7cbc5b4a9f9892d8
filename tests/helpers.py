"""Shared test helpers: hand-made landing folders, throwaway warehouses and figures tables, copies of the project."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pmr.contract import column_names


def write_csv(landing: Path, source: str, rows: list[dict], name: str = "extract.csv",
              columns: list[str] | None = None) -> Path:
    """Write rows (dicts; missing keys = empty) as a contract CSV file of `source`."""
    columns = columns or column_names(source)
    folder = landing / source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return path


_CONTRACT_CASTS = {"timestamp": "timestamptz", "integer": "bigint", "boolean": "boolean", "string": "varchar"}


def write_parquet(landing: Path, source: str, name: str, rows: list[dict], replace: dict | None = None,
                  extra: dict | None = None, drop: tuple = ()) -> Path:
    """Write rows as a Parquet file of `source`, each column typed as the contract has
    it unless `replace` gives another SQL expression; `extra` adds columns, `drop`
    leaves some out."""
    from pmr.contract import CONTRACT

    csv_path = write_csv(landing / "tmp", source, rows, name=name + ".csv")
    exprs = {c.name: f"cast({c.name} as {_CONTRACT_CASTS[c.type]})" for c in CONTRACT[source] if c.name not in drop}
    exprs.update(replace or {})
    exprs.update(extra or {})
    select = ", ".join(f"{sql} as {column}" for column, sql in exprs.items())
    path = landing / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"copy (select {select} from read_csv('{csv_path}', all_varchar = true)) to '{path}' (format parquet)")
    con.close()
    csv_path.unlink()
    return path


def write_request_parquet(landing: Path, name: str, rows: list[dict], **options) -> Path:
    return write_parquet(landing, "service_requests", name, rows, **options)


STAGING_T = "2026-10-05T10:00:00Z"


def request_row(request_id, **overrides) -> dict:
    """A valid 2.2 service request at STAGING_T (North, ESME), with overrides."""
    row = dict(request_id=request_id, received_at=STAGING_T, user_id="SUP001", user_role="IS", srv="2.2",
               command_variant=1, device_id="d1", device_type="ESME", smets="SMETS2", csp_region="North",
               execution_at=None, dsp_processing_ms=100)
    row.update(overrides)
    return row


def alert_row(alert_id, **overrides) -> dict:
    """A valid, delivered 8F35 device alert at STAGING_T (North, ESME), with overrides."""
    row = dict(alert_id=alert_id, alert_code="8F35", alert_kind="device", device_id="d1", device_type="ESME",
               smets="SMETS2", csp_region="North", user_id="SUP001", request_id=None,
               received_at=STAGING_T, delivered_at="2026-10-05T10:00:02Z", suppressed="false")
    row.update(overrides)
    return row


def build_warehouse(landing: Path, db: Path, month: str) -> list:
    """Ingest + dbt build + metric collection for `month`; returns the gate's dbt
    checks. Fails the test when dbt itself errors."""
    from pmr.pipeline import build
    from pmr.run_log import RunLog

    log = RunLog(month=month, landing=str(landing), warehouse=str(db))
    checks = build(month, landing, db, log, progress=lambda message: None)
    errors = [c for c in checks if not c.passed and c.blocking]
    assert not errors, "\n".join(f"{c.name}: {c.detail}" for c in errors)
    return checks


def read_seed(name: str) -> list[dict]:
    """The rows of seeds/<name>.csv, as text."""
    from pmr import PROJECT_DIR

    with open(PROJECT_DIR / "seeds" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_csv_rows(path: Path) -> list[dict]:
    """A published CSV file (metrics.csv, quality.csv) as a dict per row."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def metric(db: Path, metric_id: str, **breakdown) -> float | None:
    """The single value of metrics.pmr_metrics for `metric_id` and an exact
    breakdown (unnamed breakdown columns must be empty)."""
    from pmr.metric_declarations import BREAKDOWNS

    where, params = ["metric_id = ?"], [metric_id]
    for dim in BREAKDOWNS:
        if breakdown.get(dim) is None:
            where.append(f"{dim} is null")
        else:
            where.append(f"cast({dim} as varchar) = ?")
            params.append(str(breakdown[dim]))
    rows = query(db, f"select value from metrics.pmr_metrics where {' and '.join(where)}", params)
    assert len(rows) == 1, f"expected one row for {metric_id} {breakdown}, got {rows}"
    return rows[0][0]


def figures_table(*rows: dict):
    """A metrics table of a few hand-made figures: breakdowns and levels not given are empty."""
    import pandas as pd

    empty = dict(day=None, business_process=None, segment=None, device_type=None, service=None, time_band=None,
                 category=None, target=None, minimum=None)
    return pd.DataFrame([empty | row for row in rows])


def approx(value):
    """Equal to a figure worked out by hand, but for the last bits of a double."""
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def no_row(db, metric_id, **where):
    """Whether no figure of metric_id has this breakdown (None: the column is empty)."""
    clauses, params = ["metric_id = ?"], [metric_id]
    for column, value in where.items():
        clauses.append(f"{column} is null" if value is None else f"cast({column} as varchar) = ?")
        if value is not None:
            params.append(str(value))
    return query(db, f"select count(*) from metrics.pmr_metrics where {' and '.join(clauses)}", params) == [(0,)]


def publish_run_log(out, month, follow_up_passed, every_day_has_data=True):
    """A published month whose run log has the follow-up check passed (final) or not
    (provisional); every_day_has_data=False is a month published with days without data."""
    import datetime as dt

    from pmr import gate
    from pmr.calendar import publication_timeliness
    from pmr.run_log import RunLog

    final = follow_up_passed and every_day_has_data
    folder = out / "runs" / month / ("final" if final else "provisional")
    folder.mkdir(parents=True, exist_ok=True)
    log = RunLog(month=month, landing="l", warehouse="w", status="published",
                 allow_missing_days=not every_day_has_data,
                 timeliness=publication_timeliness(month, dt.datetime(2026, 11, 2, 12)))
    log.record_checks([gate.CheckResult(gate.FOLLOW_UP_CHECK, "gx", follow_up_passed, False, "detail"),
                       gate.CheckResult(gate.DAYS_CHECK, "gx", every_day_has_data, False, "1 of 31 days")])
    log.write(folder)
    link = out / month
    if link.is_symlink():
        link.unlink()
    link.symlink_to(folder)


def check_in_browser(page: Path, screenshot: Path):
    """The page opened in headless Chromium (reports.browser.check_page). Chromium is
    required in CI (.ci/run installs Debian's); elsewhere the test is skipped without it."""
    from reports.browser import check_page, chromium_path

    if not chromium_path():
        if os.environ.get("CI"):
            pytest.fail("chromium must be installed in CI (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return check_page(page, screenshot=screenshot)


# What `pmr run` reads of the project: its code and the dbt project.
_PROJECT_PARTS = ("pmr", "reports", "expectations", "models", "macros", "seeds", "tests/dbt",
                  "dbt_project.yml", "profiles.yml")


def copy_project(dest: Path, with_parses: bool = True) -> Path:
    """A copy of the project in `dest`, for a test that adds or changes models: the
    checkout stays as it is, so parallel tests and a `git add` never see the change.
    Run it with `run_project_copy`. With the checkout's last dbt parses
    (pmr.dbt_runner.SHARED_PARSES): the copy's first dbt command then parses only what
    the test changed, not the whole project (6-15 s). dbt does not check the project's
    folder against a parse: a seed the test leaves as it is is read from the checkout,
    whose file is the same."""
    from pmr import PROJECT_DIR
    from pmr.dbt_runner import SHARED_PARSES

    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in _PROJECT_PARTS:
        source, target = PROJECT_DIR / part, dest / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if with_parses and SHARED_PARSES.is_dir():
        # each is replaced whole (pmr.dbt_runner._share_parse): only the files written aside are left out
        shutil.copytree(SHARED_PARSES, dest / SHARED_PARSES.relative_to(PROJECT_DIR),
                        ignore=shutil.ignore_patterns("*.msgpack?*"))
    return dest


def run_project_copy(project: Path, *args: str):
    """`pmr <args>` with the code and dbt project of the copy `project` (the copy's
    pmr package comes first on the path), in a subprocess."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(project))
    return subprocess.run([sys.executable, "-m", "pmr.cli", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=900)


def project_with(tmp_path, yaml_text: str | None, sql: str = "select 1 as value"):
    """A copy of the project (copy_project) with a new metric model `metric_zz_new`:
    its SQL, and its YAML unless `yaml_text` is None."""
    import textwrap

    project = copy_project(tmp_path / "project")
    (project / "models" / "metrics" / "metric_zz_new.sql").write_text(sql)
    if yaml_text is not None:
        (project / "models" / "metrics" / "_metric_zz_new.yml").write_text(textwrap.dedent(yaml_text))
    return project


NEW_METRIC = """
    version: 2
    models:
      - name: metric_zz_new
        config:
          meta:
            pmr_metrics:
              - metric_id: zz.new
                requirement: R1
                kind: measure
                unit: {unit}
                service_level: {level}
                follow_up: [{follow_up}]
"""


def new_metric(unit="pct", level="pct_within_trt", follow_up="response_follow_up_s"):
    return NEW_METRIC.format(unit=unit, level=level, follow_up=follow_up)
