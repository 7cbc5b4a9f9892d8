"""The windows and thresholds of seeds/parameters.csv as the metric declarations use
them: each parameter's value and unit (`seed_parameters`), a window in the report's
words (`duration`), the windows a title names written out (`with_windows`), the
follow-up a figure waits for (`follow_up_seconds`), and the names the SQL passes to
the `parameter_value` macro."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

from pmr.metric_errors import MetricDefinitionError

# {{ parameter_value('name') }} in the SQL: the macro's subquery is NULL for a name
# seeds/parameters.csv lacks, which would publish a threshold's share as 0
PARAMETER_CALL = re.compile(r"""parameter_value\(\s*(['"])(.*?)\1\s*\)""")
SQL_FOLDERS = ("models", "macros", "tests/dbt")
# The follow_up parameter that waits for final responses: from the clock start of each
# request a figure reads (pmr.landing_reach), not only from the month's end
RESPONSE_WINDOW = "response_follow_up_s"
# A window of seeds/parameters.csv named in a title or description ("Alerts delivered
# within {alert_trt_s}"): the catalogue holds it as the value the figures were computed with
WINDOW = re.compile(r"\{([a-z0-9_]+)\}")  # other braces ({"code": "8F72"}) are text
# The unit a parameter's name ends in: the SQL reads the value as that unit (parameter_value
# returns the number alone), so a window changed to "1, min" would be applied as 1 second
NAME_UNITS = {"_s": "s", "_min": "min", "_pct": "pct"}
WINDOW_UNITS = {"s": 1, "min": 60}  # seconds in one unit of a parameter that can be a window


def duration(seconds: float | None, unknown: str = "the set time") -> str:
    """A time window of the parameters reference table in the words the report uses
    (60 s, 24 h, 7 days), so that a label says the window the figures were computed
    with, whatever the Operations Group sets; `unknown` when the table lacks it."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return unknown
    # a day is said in hours (24 h), a minute in seconds (60 s), as the metric definitions do
    for size, least, word in ((86_400, 2, "days"), (3_600, 1, "h"), (60, 2, "min")):
        if seconds >= least * size and seconds % size == 0:
            return f"{seconds / size:,.10g} {word}"
    return f"{seconds:,.10g} s"


def with_windows(text: str, parameters: dict[str, tuple[float, str]]) -> str:
    """`text` with each {parameter} written as its window (checked by pmr.metric_declarations)."""
    def window(match: re.Match) -> str:
        value, unit = parameters.get(match.group(1), (None, None))
        return duration(value * WINDOW_UNITS[unit] if value is not None and unit in WINDOW_UNITS else None)

    return WINDOW.sub(window, text)


def seed_parameters(project_dir: Path) -> dict[str, tuple[float, str]]:
    """seeds/parameters.csv as the catalogue reads it: name -> (value, unit)."""
    with open(Path(project_dir) / "seeds" / "parameters.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    unreadable = sorted(str(row["parameter"]) for row in rows if not _is_number(row["value"]))
    if unreadable:
        raise MetricDefinitionError(f"seeds/parameters.csv: value is not a number for {', '.join(unreadable)}")
    mislabelled = sorted(filter(None, (_unit_problem(row["parameter"], row["unit"]) for row in rows)))
    if mislabelled:
        raise MetricDefinitionError(
            "seeds/parameters.csv: " + "; ".join(mislabelled) + ". The SQL reads a value as its name's unit "
            "(_s seconds, _min minutes, _pct a percentage) whatever the unit column says, and the report names a "
            "window by the unit column: change the value, not the unit (60 s, not 1 min), or add a parameter "
            "with the name of its unit and read that in the SQL")
    return {row["parameter"]: (float(row["value"]), row["unit"]) for row in rows}


def _unit_problem(name: str, unit: str) -> str | None:
    """Why a parameter's unit is not the one its name ends in (NAME_UNITS), or None."""
    named = next((named for suffix, named in NAME_UNITS.items() if name.endswith(suffix)), None)
    if named is not None and unit != named:
        return f"{name} is in {unit}, its name says {named}"
    if named is None and unit in NAME_UNITS.values():
        return f"{name} is in {unit}, which its name does not end in (_{unit})"
    return None


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def check_parameter_names(project_dir: Path, parameters: dict) -> None:
    """Each name the SQL passes to parameter_value is a row of seeds/parameters.csv."""
    unknown = sorted({
        f"{name} (in {path.relative_to(project_dir)})"
        for folder in SQL_FOLDERS for path in (project_dir / folder).rglob("*.sql")
        for _, name in PARAMETER_CALL.findall(path.read_text()) if name not in parameters
    })
    if unknown:
        raise MetricDefinitionError(f"parameter_value names no parameter of seeds/parameters.csv: {', '.join(unknown)}")


def follow_up_seconds(definition: dict, parameters: dict[str, tuple[float, str]]) -> float | None:
    """The sum of the parameters a metric's YAML lists under `follow_up` (None when it lists none)."""
    names = definition.get("follow_up") or []
    for name in names:
        if name not in parameters:
            raise MetricDefinitionError(
                f"{definition['metric_id']}: follow_up names {name}, not a parameter of seeds/parameters.csv")
        if parameters[name][1] != "s":
            raise MetricDefinitionError(
                f"{definition['metric_id']}: follow_up names {name}, a parameter in {parameters[name][1]}; "
                "a window must be in seconds (unit s)")
    return float(sum(parameters[name][0] for name in names)) if names else None


def requests_received_to_seconds(definition: dict, parameters: dict[str, tuple[float, str]]) -> float | None:
    """For a metric waiting for final responses (its `follow_up` names RESPONSE_WINDOW):
    how far past the month the requests whose responses it waits for may be received,
    the sum of its other follow_up parameters (0: the month's own requests). None when it
    waits for no response."""
    names = definition.get("follow_up") or []
    if RESPONSE_WINDOW not in names:
        return None
    return float(sum(parameters[name][0] for name in names if name != RESPONSE_WINDOW))
