"""The dbt project as assets: every seed and model is an asset, grouped by layer
(the first folder under models/: staging, intermediate, marts, metrics,
utilities; seeds in "seeds"), and every dbt test is an asset check (error
severity = blocking). One `dbt build` per monthly partition, with the month
passed as `--vars '{"period": "YYYY-MM"}'`, exactly as `pmr run` does."""

import json
import os
import shutil
from contextlib import contextmanager
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.project import dbt_project, ensure_manifest
from orchestration.runs import MonthRun
from orchestration.settings import DUCKDB_POOL, PmrSettings, monthly, one_month_per_run
from pmr import gate
from pmr.dbt_runner import (PARTIAL_PARSE, RUN_CLAIM_ENV, DbtResult, dbt_damaged, dbt_out_of_disk, read_results,
                            target_path_for)
from pmr.pipeline import DBT_BUILD_ARGS, finish_dbt_build, keep_quality_of_blocked_run, plan_dbt_build
from pmr.warehouse import is_lock_error, lock_message, memory_limit

MANIFEST = ensure_manifest()
LAYERS = ("staging", "intermediate", "marts", "metrics", "utilities")
KEEP_TARGETS = 5  # dbt target folders of earlier Dagster runs kept beside the warehouse


class PmrTranslator(DagsterDbtTranslator):
    """Groups by layer; keys stay dbt's names (sources: landing/<table>)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return "seeds"
        if resource_type == "source":
            return "landing"
        fqn = dbt_resource_props.get("fqn") or []
        if resource_type == "model" and len(fqn) > 2 and fqn[1] in LAYERS:
            return fqn[1]
        return super().get_group_name(dbt_resource_props) or "models"


translator = PmrTranslator()


@contextmanager
def _warehouse_env(db, claim: str):
    """PMR_DB (and PMR_MEMORY_LIMIT, as pmr run sets it) and the run's warehouse claim
    (pmr.run_claim) while dbt is started (DbtCliResource passes os.environ on)."""
    settings = {"PMR_DB": str(db), "PMR_MEMORY_LIMIT": memory_limit(), RUN_CLAIM_ENV: claim}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _earlier_targets(parent) -> list:
    """The target folders of earlier Dagster runs on this warehouse, oldest first."""
    if not parent.is_dir():
        return []
    return sorted((p for p in parent.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)


def _prune_targets(parent) -> None:
    for old in _earlier_targets(parent)[:-KEEP_TARGETS]:
        shutil.rmtree(old, ignore_errors=True)


def _reuse_last_parse(parent, target) -> None:
    """Start dbt from the last run's parse, as `pmr run` does with its one target
    folder: dbt then parses only what changed, where each run's new folder made it
    parse the whole project (6.7 s against 2.3 s in tests/test_orchestration.py). dbt
    itself parses in full again when the month (its vars), the warehouse path or the
    project's files differ."""
    parses = [p / PARTIAL_PARSE for p in _earlier_targets(parent) if (p / PARTIAL_PARSE).is_file()]
    if parses:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(parses[-1], target / PARTIAL_PARSE)


@dbt_assets(
    manifest=MANIFEST,
    project=dbt_project,
    dagster_dbt_translator=translator,
    partitions_def=monthly,
    backfill_policy=one_month_per_run,
    pool=DUCKDB_POOL,
    name="pmr_dbt",
)
def pmr_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, pmr: PmrSettings):
    """dbt build of the month (writes the warehouse). Its results are recorded in
    the run log for the publication gate; a failing build or blocking test fails
    this step, so nothing downstream runs and the run fails."""
    run = MonthRun.open(context, pmr)
    db = pmr.db_path
    target_parent = target_path_for(db) / "dagster"
    _prune_targets(target_parent)
    target = target_parent / context.run.run_id[:8]
    _reuse_last_parse(target_parent, target)
    with run.reporting_errors():
        with run.log.step("dbt build") as record:
            build = plan_dbt_build(run.log, db, run.month, full_refresh=False, progress=run.progress(context))
            args = [*DBT_BUILD_ARGS, *build.dbt_args, "--vars", json.dumps({"period": run.month})]
            with _warehouse_env(db, run.log.claim):  # profiles.yml reads the warehouse path from PMR_DB
                invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target)
            yield from invocation.stream()
            error = invocation.get_error()
            if error is not None and is_lock_error(str(error)):
                detail = next((line for line in str(error).splitlines() if is_lock_error(line)), "").strip()
                raise dg.Failure(description=lock_message(db, detail), allow_retries=False)
            out_of_disk = dbt_out_of_disk([str(error)], "the dbt build step") if error is not None else None
            if out_of_disk:  # before run_results.json, which the full disk may have cut short
                raise out_of_disk
            damaged = dbt_damaged(str(error), "the dbt build step", db) if error is not None else None
            if damaged:
                raise damaged
            results = read_results(invocation.target_path)
            result = DbtResult(ok=error is None, results=results, log_tail=str(error or ""))
            finish_dbt_build(run.log, db, build, record, result)
            checks = gate.from_dbt(result)
            run.log.record_checks(checks)
    blocking = gate.blocking_failures(checks)
    if blocking:
        run.log.status = "blocked"
        keep_quality_of_blocked_run(db, run.folder)
        run.save()
        raise dg.Failure(
            description=f"NOT PUBLISHED: dbt build of {run.month} failed blocking checks:\n{gate.listed(blocking)}",
            metadata={"failed checks": [c.name for c in blocking], **run.metadata()},
            allow_retries=False,
        )
    run.save()


def manifest_nodes(resource_type: str = "model") -> list[dict]:
    manifest = json.loads(MANIFEST.read_text())
    return [n for n in manifest["nodes"].values() if n["resource_type"] == resource_type]


def metric_model_keys() -> list[dg.AssetKey]:
    """The metric models (config meta `pmr_metrics`, docs/adding-a-metric.md)."""
    keys = []
    for node in manifest_nodes("model"):
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        if meta.get("pmr_metrics"):
            keys.append(translator.get_asset_key(node))
    return sorted(keys, key=lambda k: k.to_user_string())


def seed_key(name: str) -> dg.AssetKey | None:
    return next((translator.get_asset_key(n) for n in manifest_nodes("seed") if n["name"] == name), None)


def leaf_model_keys() -> list[dg.AssetKey]:
    """Models no other model builds on: the report depends on these (and so on all)."""
    manifest = json.loads(MANIFEST.read_text())
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    children = manifest.get("child_map", {})
    leaves = [n for uid, n in models.items() if not any(c in models for c in children.get(uid, []))]
    return sorted((translator.get_asset_key(n) for n in leaves), key=lambda k: k.to_user_string())
