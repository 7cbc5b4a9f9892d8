"""The metric declarations: the `pmr_metrics` of each metric model's YAML
(docs/adding-a-metric.md), read from the dbt manifest after a build
(`metric_models`) or straight from the project before one (`check_declarations`),
checked against the contract, and turned into the rows of metrics.metric_catalogue
(`catalogue_rows`), with the time windows their titles and descriptions name written
out as seeds/parameters.csv sets them (pmr.metric_parameters). pmr.metrics collects the figures.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pmr import SOURCES
from pmr.metric_errors import MetricDefinitionError, SeedFileError
from pmr.metric_parameters import (WINDOW, WINDOW_UNITS, check_parameter_names, follow_up_seconds,
                                   requests_received_to_seconds, seed_parameters, with_windows)
from pmr.metric_tables import KINDS, REQUIREMENTS, UNITS
from pmr.seed_checks import seed_file_problem, service_level_problem
from pmr.sql_rules import sql_rule_problems

# The breakdowns a measure's YAML may list under indicator_breakdowns: its rows broken
# down so are indicators, without service levels (a segment: a CSP region or SMETS1,
# not All)
BREAKDOWNS = ("day", "business_process", "segment", "device_type", "service", "time_band", "category")
# Every key a pmr_metrics entry may have (docs/adding-a-metric.md): a misspelt optional
# key would otherwise be ignored without a word
DEFINITION_KEYS = ("metric_id", "requirement", "kind", "unit", "service_level", "indicator_breakdowns", "fractional",
                   "follow_up", "title", "description")
METRIC_MODELS_FOLDER = "models/metrics/"
METRIC_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
CATALOGUE_COLUMNS = (
    "model", "metric_id", "requirement", "kind", "unit", "service_level", "title", "description", "fractional",
    "follow_up_s", "requests_received_to_s", "indicator_breakdowns", "sources",
)


@dataclass(frozen=True)
class MetricModel:
    name: str
    relation: str  # schema.table
    definitions: tuple[dict, ...]
    # the landing sources whose staging models (stg_<source>) the model reads, through
    # dbt's lineage: empty when read from the YAML alone (check_declarations)
    sources: tuple[str, ...] = ()


def _definitions(declaration: dict) -> list | None:
    """pmr_metrics of a model, from its config meta or its meta (dbt reads both)."""
    return ((declaration.get("config") or {}).get("meta") or {}).get("pmr_metrics") or (
        declaration.get("meta") or {}).get("pmr_metrics")


def check_definitions(model: str, definitions: list) -> None:
    """Each definition has what metrics.csv needs, in the allowed values."""
    for definition in definitions:
        if not isinstance(definition, dict):
            raise MetricDefinitionError(f"{model}: each pmr_metrics entry must be a mapping, not {definition!r}")
        missing = [k for k in ("metric_id", "requirement", "kind", "unit") if not definition.get(k)]
        name = definition.get("metric_id") or f"a metric of {model}"
        if missing:
            raise MetricDefinitionError(f"{name}: lacks {', '.join(missing)} (in the pmr_metrics of {model})")
        unknown = sorted(set(definition) - set(DEFINITION_KEYS))
        if unknown:
            raise MetricDefinitionError(
                f"{name}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                f"the keys are {', '.join(DEFINITION_KEYS)}")
        _check_text_values(model, definition)
        if not METRIC_ID.fullmatch(definition["metric_id"]):
            # a quote would break the SQL metric_rows writes, a space or capital make an id no one types twice alike
            raise MetricDefinitionError(
                f"{definition['metric_id']!r} (in {model}): a metric_id is family.name in lower-case letters, digits "
                f"and _, starting with a letter (rsvp.pct_within_trt)")
        for key, allowed in (("kind", KINDS), ("unit", UNITS), ("requirement", REQUIREMENTS)):
            if definition[key] not in allowed:
                raise MetricDefinitionError(
                    f"{definition['metric_id']}: {key} {definition[key]!r} is not one of {', '.join(allowed)}")
        if definition.get("service_level") and definition["kind"] != "measure":
            # an indicator has no target or minimum: the level would be dropped without a word
            raise MetricDefinitionError(
                f"{definition['metric_id']}: only a measure has a service_level (this is an indicator); "
                "write kind: measure, or leave service_level out")
        _check_indicator_breakdowns(definition)
        follow_up = definition.get("follow_up", [])
        if not isinstance(follow_up, list) or not all(isinstance(name, str) for name in follow_up):
            raise MetricDefinitionError(
                f"{definition['metric_id']}: follow_up must be a list of parameter names (seeds/parameters.csv)")
        repeated = sorted({name for name in follow_up if follow_up.count(name) > 1})
        if repeated:
            # the windows add up: a name twice would double its window without a word
            raise MetricDefinitionError(
                f"{definition['metric_id']}: follow_up names {', '.join(repeated)} twice; each window once")


TEXT_KEYS = ("metric_id", "requirement", "kind", "unit", "service_level", "title", "description")


def _check_text_values(model: str, definition: dict) -> None:
    """The keys that hold one word or sentence hold text: YAML reads an unquoted
    `{alert_trt_s}` as a mapping and `[x]` as a list."""
    for key in TEXT_KEYS:
        value = definition.get(key)
        if value is not None and not isinstance(value, str):
            name = definition["metric_id"] if isinstance(definition["metric_id"], str) else f"a metric of {model}"
            hint = ' (YAML reads a value that starts with "{" as a mapping: quote it)' if isinstance(value, dict) else ""
            raise MetricDefinitionError(f"{name}: {key} must be text, not {value!r}{hint}")
    if not isinstance(definition.get("fractional", False), bool):
        raise MetricDefinitionError(f"{definition['metric_id']}: fractional must be true or false, "
                                    f"not {definition['fractional']!r}")


def _check_indicator_breakdowns(definition: dict) -> None:
    breakdowns = definition.get("indicator_breakdowns")
    if breakdowns is None:
        return
    metric_id = definition["metric_id"]
    if definition["kind"] != "measure":
        raise MetricDefinitionError(f"{metric_id}: only a measure has indicator_breakdowns (this is an indicator)")
    if not isinstance(breakdowns, list) or not breakdowns or not all(b in BREAKDOWNS for b in breakdowns):
        raise MetricDefinitionError(
            f"{metric_id}: indicator_breakdowns must be a list of breakdown columns, each one of {BREAKDOWNS}")


def _indicator_breakdowns(definition: dict) -> str | None:
    """The catalogue's text of a measure's indicator_breakdowns: ',day,segment,' (None when none)."""
    breakdowns = definition.get("indicator_breakdowns")
    return "," + ",".join(sorted(breakdowns)) + "," if breakdowns else None


def _check_unique_ids(models: list[MetricModel]) -> None:
    declared_in: dict[str, list[str]] = {}
    for model in models:
        for definition in model.definitions:
            declared_in.setdefault(definition["metric_id"], []).append(model.name)
    duplicated = sorted(f"{metric_id} (in {', '.join(names)})" for metric_id, names in declared_in.items()
                        if len(names) > 1)
    if duplicated:
        raise MetricDefinitionError(f"metric ids declared twice: {'; '.join(duplicated)}")


def _undeclared_model_error(name: str, hint: str = "") -> MetricDefinitionError:
    return MetricDefinitionError(
        f"{name}: a model in {METRIC_MODELS_FOLDER} declares no pmr_metrics; its YAML entry "
        f"must carry the model's own name (the .sql file's name){hint}")


def _check_models_have_sql(project_dir: Path, declared_in: dict[str, Path]) -> None:
    """Every .sql of models/metrics/ has a YAML entry with pmr_metrics, and every such
    entry a .sql file: dbt ignores an entry for a model that does not exist, so a
    misspelt name would drop its metrics without a word."""
    import difflib

    models = {path.stem for path in (project_dir / "models").rglob("*") if path.suffix in (".sql", ".py")}
    orphans = sorted(name for name in declared_in if name not in models)
    for sql in sorted(p for p in (project_dir / METRIC_MODELS_FOLDER).rglob("*") if p.suffix in (".sql", ".py")):
        if sql.stem not in declared_in:
            close = difflib.get_close_matches(sql.stem, orphans, n=1)
            raise _undeclared_model_error(sql.stem, f"; {declared_in[close[0]]} declares {close[0]}, which has no .sql "
                                                    f"file: rename one of the two" if close else "")
    if orphans:
        raise MetricDefinitionError("pmr_metrics declared for a model without a .sql file (dbt would drop its "
                                    "metrics): " + ", ".join(f"{name} (in {declared_in[name]})" for name in orphans))


def _staging_sources(manifest: dict, node_id: str) -> tuple[str, ...]:
    """The landing sources whose staging models (stg_<source>) `node_id` reads, directly
    or through other models."""
    nodes = manifest["nodes"]
    seen, todo = set(), [node_id]
    while todo:
        for parent in nodes.get(todo.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    names = {nodes[p]["name"] for p in seen if p in nodes}
    return tuple(source for source in SOURCES if f"stg_{source}" in names)


def metric_models(manifest_path: Path) -> list[MetricModel]:
    """The metric models of a dbt manifest, their declarations checked."""
    manifest = json.loads(Path(manifest_path).read_text())
    _check_none_disabled(manifest)
    found = []
    for node_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        definitions = _definitions(node)
        if not definitions:
            if node.get("original_file_path", "").startswith(METRIC_MODELS_FOLDER):
                raise _undeclared_model_error(node["name"])
            continue
        check_definitions(node["name"], definitions)
        if node.get("config", {}).get("materialized") == "ephemeral":
            raise MetricDefinitionError(
                f"metric model {node['name']} is materialized as ephemeral: dbt builds no table of it, and its figures "
                f"would be read from whatever table an earlier build left under its name; remove the config (a table, "
                f"the default of {METRIC_MODELS_FOLDER}) or make it a view")
        found.append(MetricModel(node["name"], f"{node['schema']}.{node['alias'] or node['name']}", tuple(definitions),
                                 _staging_sources(manifest, node_id)))
    _check_unique_ids(found)
    return sorted(found, key=lambda m: m.name)


def _check_none_disabled(manifest: dict) -> None:
    """No metric model is disabled (`enabled: false` in its config() or dbt_project.yml):
    dbt leaves it out of the build and the manifest's nodes, so its figures, and its ids
    with them, would be missing from metrics.csv and the report without a word."""
    disabled = sorted(
        f"{node['name']} ({', '.join(_declared_ids(node)) or 'no pmr_metrics'})"
        for versions in (manifest.get("disabled") or {}).values() for node in versions
        if node.get("resource_type") == "model"
        and (_definitions(node) or node.get("original_file_path", "").startswith(METRIC_MODELS_FOLDER)))
    if disabled:
        raise MetricDefinitionError(
            f"metric model disabled (enabled: false), so its figures would be missing from the report without a word: "
            f"{'; '.join(disabled)}. To withdraw a metric, delete its model, its YAML entry and its docs, and record "
            "the withdrawal in docs/decision-log.md")


def _declared_ids(node: dict) -> list[str]:
    definitions = _definitions(node)
    if not isinstance(definitions, list):
        return []
    return [str(d.get("metric_id")) for d in definitions if isinstance(d, dict)]


def _declares_metrics(entry: dict) -> bool:
    """Whether a YAML model entry, or one of its dbt versions, declares pmr_metrics."""
    versions = entry.get("versions")
    return bool(_definitions(entry)) or (isinstance(versions, list) and any(
        isinstance(version, dict) and _definitions(version) for version in versions))


def check_declarations(project_dir: Path) -> list[MetricModel]:
    """Check the metric declarations straight from the project's YAML and seeds,
    before dbt builds anything, so a typo in a new metric's YAML stops `pmr run` at
    once rather than after the build; returns the metric models declared. The same
    checks run again on dbt's manifest after the build (metric_models, collect),
    which stays the authority."""
    from pmr.project_yaml import YAMLError, read_yaml

    project_dir = Path(project_dir)
    declarations: dict[str, list] = {}
    declared_in: dict[str, Path] = {}
    for path in sorted([*(project_dir / "models").rglob("*.yml"), *(project_dir / "models").rglob("*.yaml")]):
        try:
            document = read_yaml(path) or {}
        except YAMLError as error:
            raise MetricDefinitionError(f"{path.relative_to(project_dir)} is not valid YAML: {error}") from None
        for entry in (document.get("models") or []) if isinstance(document, dict) else []:
            if not isinstance(entry, dict):
                continue
            if entry.get("versions") and (
                    path.is_relative_to(project_dir / METRIC_MODELS_FOLDER) or _declares_metrics(entry)):
                raise MetricDefinitionError(
                    f"{entry.get('name')} in {path.relative_to(project_dir)}: a metric model cannot have dbt "
                    "versions (versions:): each figure of metrics.csv comes from one SQL definition. Change the "
                    "model in place and record the change of meaning in docs/decision-log.md")
            if entry.get("name") and _definitions(entry):
                declarations[entry["name"]] = _definitions(entry)
                declared_in[entry["name"]] = path.relative_to(project_dir)
    _check_models_have_sql(project_dir, declared_in)
    models = [MetricModel(name, name, tuple(definitions)) for name, definitions in sorted(declarations.items())]
    for model in models:
        check_definitions(model.name, list(model.definitions))
    _check_unique_ids(models)
    check_seed_files(project_dir)
    with open(project_dir / "seeds" / "service_levels.csv", newline="") as handle:
        level_rows = list(csv.DictReader(handle))
    check_service_level_rows(level_rows)
    check_service_levels(models, {row["service_level"]: row["unit"] for row in level_rows})
    parameters = seed_parameters(project_dir)
    _check_windows(models, parameters)
    catalogue_rows(models, parameters)  # raises on a follow_up that names no parameter in seconds
    check_parameter_names(project_dir, parameters)
    problems = sql_rule_problems(project_dir)
    if problems:
        raise MetricDefinitionError("\n".join(problems))
    return models


def check_seed_files(project_dir: Path) -> None:
    """Every line of every seeds/*.csv has as many values as its header (pmr.seed_checks)."""
    problem = seed_file_problem(project_dir)
    if problem:
        raise SeedFileError(problem)


def _check_windows(models: list[MetricModel], parameters: dict) -> None:
    """Each {name} in a title or description is a parameter in seconds or minutes: else
    the catalogue and the page would print "the set time" for a window the figures
    never used."""
    wrong = sorted(f"{d['metric_id']} {key} ({{{name}}})" for m in models for d in m.definitions
                   for key in ("title", "description") for name in WINDOW.findall(d.get(key) or "")
                   if parameters.get(name, (None, None))[1] not in WINDOW_UNITS)
    if wrong:
        raise MetricDefinitionError("title or description names no time window (a parameter in s or min) of "
                                    "seeds/parameters.csv: " + ", ".join(wrong))


def check_service_level_rows(rows: list[dict[str, str]]) -> None:
    """Each row of seeds/service_levels.csv is a percentage to reach (pmr.seed_checks)."""
    problem = service_level_problem(rows)
    if problem:
        raise MetricDefinitionError(problem)


def check_service_levels(models: list[MetricModel], levels: dict[str, str]) -> None:
    """Each service_level is a row of seeds/service_levels.csv (`levels`: its unit by
    name) in the metric's own unit: a 99% target on a count would read as 99 requests."""
    declared = [d for m in models for d in m.definitions if d.get("service_level")]
    unknown = sorted(f"{d['metric_id']} ({d['service_level']})" for d in declared if d["service_level"] not in levels)
    if unknown:
        raise MetricDefinitionError(f"service_level not in seeds/service_levels.csv: {', '.join(unknown)} (its "
                                    f"service levels: {', '.join(sorted(levels))})")
    mismatched = sorted(f"{d['metric_id']} is in {d['unit']}, its service level {d['service_level']} in "
                        f"{levels[d['service_level']]}" for d in declared if levels[d["service_level"]] != d["unit"])
    if mismatched:
        raise MetricDefinitionError(f"service level of another unit: {'; '.join(mismatched)}")


def catalogue_rows(models: list[MetricModel], parameters: dict[str, tuple[float, str]]) -> list[tuple]:
    """The rows of metrics.metric_catalogue, in the order of CATALOGUE_COLUMNS, windows
    named in titles and descriptions written out."""
    return [
        (m.name, d["metric_id"], d["requirement"], d["kind"], d["unit"], d.get("service_level"),
         with_windows(d.get("title") or d["metric_id"], parameters),
         with_windows(d.get("description") or "", parameters), bool(d.get("fractional", False)),
         follow_up_seconds(d, parameters), requests_received_to_seconds(d, parameters), _indicator_breakdowns(d),
         ", ".join(m.sources))
        for m in models for d in m.definitions
    ]
