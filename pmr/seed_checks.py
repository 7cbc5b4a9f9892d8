"""Checks of the reference tables (seeds/) that need no build, for `pmr check` and the
start of `pmr run`: each returns the message of what is wrong, or None, and
pmr.metric_declarations raises it as a MetricDefinitionError."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from pathlib import Path

# How each column type of dbt_project.yml's seed column_types must be written. Stricter
# than DuckDB's casts where those would load a slip as another value: DuckDB rounds 1.5
# to a whole number 2, reads 2026/12/25 as a date pmr's calendar cannot, and takes "yes"
# and "1" for true; a spreadsheet writes TRUE, which both read.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
DECIMAL_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TYPE_WORDS = {"date": "a date written YYYY-MM-DD", "integer": "a whole number", "bigint": "a whole number",
              "double": "a number with a point for decimals (99.5)", "boolean": "true or false"}


def seed_file_problem(project_dir: Path) -> str | None:
    """Every seeds/*.csv is UTF-8 without a byte-order mark, its header has every column
    seeds/_seeds.yml gives it, and every line has as many values as its header: a comma
    typed inside a value (`99,5`, `Top Up Device, prepayment`) shifts the columns after
    it, and dbt's loader counts rows from another origin than the file's lines. A file
    saved by a spreadsheet as "CSV UTF-8" starts with a byte-order mark, which dbt and pmr
    would read as part of its first column's name; one saved with semicolons (a
    spreadsheet in a locale whose decimal mark is a comma) has a single column. Names the
    file and the line. Each value is of its column's type in dbt_project.yml (TYPE_WORDS):
    dbt's loader would stop the build with DuckDB's reader settings, and pmr's calendar
    with a bare "Invalid isoformat string"."""
    problems, shifted = [], False
    declared = _declared_columns(Path(project_dir))
    column_types = _column_types(Path(project_dir))
    for path in sorted((Path(project_dir) / "seeds").glob("*.csv")):
        data = path.read_bytes()
        if data.startswith(codecs.BOM_UTF8):
            problems.append(f"seeds/{path.name} starts with a byte-order mark (a spreadsheet's \"CSV UTF-8\" writes "
                            "one), which would become part of its first column's name: save it as UTF-8 without one")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            problems.append(f"seeds/{path.name} line {line}: not UTF-8 (byte {data[error.start]:#04x}): "
                            "save it as UTF-8")
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        lacking = [c for c in declared.get(path.stem, []) if c not in header]
        if lacking:
            separator = next((f" (separated by {name}? a seed is comma-separated)" for mark, name in
                              ((";", "semicolons"), ("\t", "tabs")) if mark in text.partition("\n")[0]), "")
            problems.append(f"seeds/{path.name} line 1: the header lacks {', '.join(lacking)}{separator}")
            continue
        types = column_types.get(path.stem, {})
        typed = {index: types[name] for index, name in enumerate(header) if types.get(name) in TYPE_WORDS}
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                shifted = True
                problems.append(f"seeds/{path.name} line {reader.line_num}: {len(row)} values, the header has "
                                f"{len(header)}")
                continue
            problems += [f"seeds/{path.name} line {reader.line_num}: {header[index]} {row[index]!r} is not "
                         f"{TYPE_WORDS[kind]}"
                         for index, kind in typed.items() if not value_is_of_type(row[index], kind)]
    if not problems:
        return None
    return "; ".join(problems) + (" (a comma inside a value needs the value in double quotes, and a decimal takes a "
                                  "point: 99.5)" if shifted else "")


def value_is_of_type(value: str, kind: str) -> bool:
    """`value` of a seed file, as written, is of the seed column type `kind` (TYPE_WORDS);
    an empty value is a NULL, which the seeds' not-null tests hold where it matters."""
    if value == "":
        return True
    if kind == "date":
        if not ISO_DATE.fullmatch(value):
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:  # 2026-02-30
            return False
        return True
    if kind in ("integer", "bigint"):
        return bool(WHOLE_NUMBER.fullmatch(value))
    if kind == "double":
        return bool(DECIMAL_NUMBER.fullmatch(value)) and math.isfinite(float(value))
    if kind == "boolean":
        return value.lower() in ("true", "false")
    return True


def _column_types(project_dir: Path) -> dict[str, dict[str, str]]:
    """Each seed's column types as dbt_project.yml sets them (+column_types), by seed."""
    document = _yaml_document(project_dir / "dbt_project.yml")
    project_seeds = (document.get("seeds") or {}).get(document.get("name"), {}) or {}
    return {name: {column: str(kind).lower() for column, kind in (config.get("+column_types") or {}).items()}
            for name, config in project_seeds.items() if isinstance(config, dict)}


def _declared_columns(project_dir: Path) -> dict[str, list[str]]:
    """Each seed's columns as seeds/_seeds.yml describes them (the columns pmr and the
    models read)."""
    document = _yaml_document(project_dir / "seeds" / "_seeds.yml")
    return {seed["name"]: [c["name"] for c in seed.get("columns") or [] if isinstance(c, dict) and "name" in c]
            for seed in document.get("seeds") or [] if isinstance(seed, dict) and "name" in seed}


def _yaml_document(path: Path) -> dict:
    """The mapping a YAML file holds; empty for a file that is not there or does not
    parse, which dbt will name."""
    from pmr.project_yaml import YAMLError, read_yaml

    try:
        document = read_yaml(path)
    except (OSError, YAMLError):
        return {}
    return document if isinstance(document, dict) else {}


def service_level_problem(rows: list[dict[str, str]]) -> str | None:
    """Each row of seeds/service_levels.csv is a level the report and the gate can hold a
    measure to: a percentage to reach (higher is better), target and minimum between 0
    and 100, the minimum not above the target, neither written as a fraction (above 0
    and at most 1). The report judges every level as a floor, so a count or a ceiling
    would be judged the wrong way round; found here, in seconds, rather than by the
    seed's dbt tests after a whole build."""
    problems = []
    for row in rows:
        name = row.get("service_level") or "(no name)"
        if row.get("unit") != "pct":
            problems.append(f"{name}: unit {row.get('unit')!r}, not pct")
            continue
        try:
            levels = {"target": float(row.get("target")), "minimum": float(row.get("minimum"))}
        except (TypeError, ValueError):
            problems.append(f"{name}: target {row.get('target')!r} and minimum {row.get('minimum')!r} are not both numbers")
            continue
        if not (0 <= levels["minimum"] <= levels["target"] <= 100):
            problems.append(f"{name}: minimum {row.get('minimum')} and target {row.get('target')} are not 0 <= minimum "
                            "<= target <= 100")
            continue
        # no share is held to a floor of 1% or less: 0.995 is 99.5% written as a fraction,
        # which every figure would pass ("target met" at 3%)
        fractions = [f"{key} {row.get(key)}" for key, value in levels.items() if 0 < value <= 1]
        if fractions:
            problems.append(f"{name}: {' and '.join(fractions)} read{'s' if len(fractions) == 1 else ''} as a "
                            "fraction: write percentages (99.5, not 0.995)")
    if not problems:
        return None
    return ("seeds/service_levels.csv: " + "; ".join(problems) + ". A service level is a percentage a measure must "
            "reach (higher is better), in pct: a measure where lower is better, or of another unit, has no service "
            "level (docs/adding-a-metric.md, service levels)")
