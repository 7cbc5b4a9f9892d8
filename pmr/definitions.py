"""Which definitions a publication's figures were computed with, so that two publications
can be compared: the version the report's header names (the git commit of the
definitions and a hash of the reference tables), and a fingerprint per metric model of
everything its figures are computed from (its own SQL, every model and seed upstream of
it, and the project macros they use, from dbt's manifest). The run log records both;
the report says when the previous month's figures of a metric came from other
definitions than this month's (reports/sections/measures.py)."""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import subprocess
from pathlib import Path

import duckdb

from pmr import PROJECT_DIR
from pmr.metric_parameters import seed_parameters

DEFINITION_PATHS = ["models", "macros", "seeds", "dbt_project.yml"]
# dbt's own macros change with dbt, not with a definition: only the project's are fingerprinted
PROJECT_MACROS = "macro.pmr_warehouse."
# The parameters seed holds every window and threshold: a model depends on the rows it names
# (a quoted name, or parameter_value's argument), not on the whole file, so that a new alert
# target does not mark the availability figures as computed with other definitions.
PARAMETERS_SEED = "seed.pmr_warehouse.parameters"
# Columns of a seed that say where a value comes from or what it is, not what it is: editing
# them (a value confirmed, its source named) computes no figure differently.
SEED_METADATA_COLUMNS = ("source", "description")
# Raised whenever model_fingerprints computes its hash differently: fingerprints of two
# versions are not compared (they would differ for every model).
FINGERPRINT_VERSION = 6
# Jinja comments ({# ... #}) and SQL line comments (-- ...) document a model or macro;
# editing them computes nothing differently
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def definitions_version() -> tuple[str, str]:
    """(git commit of the metric definitions, sha256 of the seeds)."""
    digest = hashlib.sha256()
    for seed in sorted((PROJECT_DIR / "seeds").glob("*.csv")):
        digest.update(seed.name.encode() + b"\0" + seed.read_bytes())
    try:
        commit = subprocess.run(["git", "log", "-1", "--format=%h (%cs)", "--", *DEFINITION_PATHS],
                                cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *DEFINITION_PATHS],
                               cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    commit = commit or "not under version control"
    return (commit + (" with uncommitted changes" if dirty else "")), digest.hexdigest()[:16]


def model_fingerprints(manifest: dict, models: list[str], parameters: dict[str, str] | None = None,
                       seeds: dict[str, str] | None = None) -> dict[str, str]:
    """{model name: fingerprint} for the named models of a dbt manifest: a hash of the
    SQL of the model and of every model upstream of it, of those seeds, and of the SQL
    of every project macro any of them calls, all without their comments. Two builds give a model the same fingerprint
    when nothing its figures are computed from changed: a change anywhere upstream
    (staging included) changes it, whether or not it moves a figure. A seed given in
    `seeds` ({node id: its content}) counts by that content instead of its file; of the
    parameters seed, given as `parameters` ({name: its row as text}), only the rows whose
    names that SQL holds count."""
    nodes, parents, macros = manifest["nodes"], manifest["parent_map"], manifest["macros"]
    seeds = seeds or {}

    def content(node_id: str) -> str:
        if node_id in seeds:
            return _sha256(seeds[node_id])
        if nodes[node_id].get("raw_code") is not None:
            return _sha256(_code(nodes[node_id]["raw_code"]))
        return nodes[node_id]["checksum"]["checksum"]

    by_name = {node["name"]: node_id for node_id, node in nodes.items() if node["resource_type"] == "model"}
    fingerprints = {}
    for name in models:
        upstream, pending = set(), [by_name[name]]
        while pending:
            node_id = pending.pop()
            if node_id in upstream or node_id not in nodes:  # sources have no definition to hash
                continue
            upstream.add(node_id)
            pending.extend(parents.get(node_id, []))
        used, pending = set(), [m for node_id in upstream for m in nodes[node_id]["depends_on"].get("macros", [])]
        while pending:
            macro_id = pending.pop()
            if macro_id in used or not macro_id.startswith(PROJECT_MACROS) or macro_id not in macros:
                continue
            used.add(macro_id)
            pending.extend(macros[macro_id]["depends_on"].get("macros", []))
        lines = sorted([f"{node_id} {content(node_id)}" for node_id in upstream
                        if not (parameters is not None and node_id == PARAMETERS_SEED)]
                       + [f"{macro_id} {_sha256(_code(macros[macro_id]['macro_sql']))}" for macro_id in used])
        if parameters is not None and PARAMETERS_SEED in upstream:
            sql = "\n".join([_code(nodes[n].get("raw_code") or "") for n in upstream]
                            + [_code(macros[m]["macro_sql"]) for m in used])
            named = sorted(p for p in parameters if re.search(rf"\b{re.escape(p)}\b", sql))
            lines += [f"{PARAMETERS_SEED} {p} {parameters[p]}" for p in named]
        fingerprints[name] = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    return fingerprints


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# the same model's SQL is read for every metric model downstream of it (twelve times for the fact)
@functools.lru_cache(maxsize=4096)
def _code(sql: str) -> str:
    """A model's or macro's SQL without its comments, blank lines and trailing spaces."""
    sql = _without_line_comments(JINJA_COMMENT.sub("", sql))
    return "\n".join(line.rstrip() for line in sql.splitlines() if line.strip())


def _without_line_comments(sql: str) -> str:
    """`sql` without its `-- ...` comments. A `--` counts as a comment only where DuckDB's
    tokenizer reads one, no Jinja expression or statement is open on its line, and the
    comment holds no Jinja itself (dbt renders Jinja before SQL, so `-- {% if ... %}`
    is code): a `--` in a string or in a Jinja argument ("pmr run --month ") is code.
    Text the tokenizer cannot read is kept whole, so that an edit to it always counts.
    The tokenizer gives positions in UTF-8 bytes, so the cuts are made in bytes."""
    try:
        tokens = duckdb.tokenize(sql)
    except Exception:  # noqa: BLE001 - any failure to read means: strip nothing
        return sql
    data = sql.encode()
    cuts = []
    for position, kind in tokens:
        if kind != duckdb.token_type.comment or not data.startswith(b"--", position):
            continue
        before = data[data.rfind(b"\n", 0, position) + 1:position]
        if before.count(b"{{") + before.count(b"{%") != before.count(b"}}") + before.count(b"%}"):
            continue
        line_end = data.find(b"\n", position)
        line_end = len(data) if line_end < 0 else line_end
        if b"{{" in data[position:line_end] or b"{%" in data[position:line_end]:
            continue
        cuts.append((position, line_end))
    for start, end in reversed(cuts):
        data = data[:start] + data[end:]
    return data.decode()


def seed_values(path: Path) -> str:
    """A seed file's rows without SEED_METADATA_COLUMNS, as text: what a model computes with."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0] if rows else []) if name.strip() not in SEED_METADATA_COLUMNS]
    return "\n".join(",".join(row[i] for i in keep if i < len(row)) for row in rows)


def definitions_record(manifest: dict, models: list[str]) -> dict:
    """What the run log keeps of a build's definitions (`manifest`: dbt's, parsed): the
    version the header names and the fingerprint of each metric model."""
    commit, seeds_sha256 = definitions_version()
    parameters = {name: f"{value} {unit}" for name, (value, unit) in seed_parameters(PROJECT_DIR).items()}
    seeds = {node_id: seed_values(PROJECT_DIR / node["original_file_path"])
             for node_id, node in manifest["nodes"].items()
             if node["resource_type"] == "seed" and (PROJECT_DIR / node.get("original_file_path", "")).is_file()}
    return {"commit": commit, "seeds_sha256": seeds_sha256, "fingerprint_version": FINGERPRINT_VERSION,
            "metric_models": model_fingerprints(manifest, models, parameters, seeds)}


def changed_models(current: dict | None, previous: dict | None) -> list[str] | None:
    """The metric models whose fingerprint differs between two definitions records (a
    model the previous one lacks is new: its figures have no previous level anyway).
    None when either publication did not record its definitions, or fingerprinted them
    another way."""
    if not isinstance(current, dict) or not isinstance(previous, dict):
        return None
    if current.get("fingerprint_version") != previous.get("fingerprint_version"):
        return None
    now, then = current.get("metric_models"), previous.get("metric_models")
    if not isinstance(now, dict) or not isinstance(then, dict):
        return None
    return sorted(model for model, fingerprint in now.items() if model in then and then[model] != fingerprint)
