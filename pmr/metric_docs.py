"""The metric catalogue's docs against the declarations: every metric id declared in a
metric model's YAML is named, as a whole id, on a page of docs/metrics/, and its family
(the part before the first dot) in the catalogue's index, docs/metrics.md. Checked by
`pmr check`, so an analyst adding a metric learns it before a test run does."""

from __future__ import annotations

import re
from pathlib import Path


def mentions(text: str, metric_id: str) -> bool:
    """Whether `text` names `metric_id` as a whole id: not as the start of a longer id
    (`rsvp.volume` is not in `rsvp.volume_x` or `rsvp.volume.x`) nor its end; a full
    stop after it ends a sentence."""
    return re.search(rf"(?<![\w.]){re.escape(metric_id)}(?!\.?\w)", text) is not None


def undocumented(project_dir: Path, metric_ids: set[str]) -> list[str]:
    """What the docs lack, one line per problem (empty when nothing)."""
    pages = "\n".join(p.read_text() for p in sorted((project_dir / "docs" / "metrics").glob("*.md")))
    index_path = project_dir / "docs" / "metrics.md"
    index = index_path.read_text() if index_path.is_file() else ""
    problems = []
    missing = sorted(i for i in metric_ids if not mentions(pages, i))
    if missing:
        problems.append(f"metric ids on no page of docs/metrics/ (add a row to the family's page): {', '.join(missing)}")
    families = sorted({i.split(".")[0] for i in metric_ids if f"`{i.split('.')[0]}.*`" not in index})
    if families:
        problems.append("metric families not in the index docs/metrics.md (a line naming `family.*`): "
                        + ", ".join(families))
    return problems


def undocumented_warnings(project_dir: Path, models) -> list[str]:
    """What `pmr run` and the Dagster job warn about before they build: the metric ids of
    `models` (pmr.metric_declarations.MetricModel) the docs lack. A warning, not a stop:
    the figures are right without their page; `pmr check` and the tests fail on it."""
    if not (project_dir / "docs" / "metrics").is_dir():  # a copy of the project without its docs
        return []
    ids = {definition["metric_id"] for model in models for definition in model.definitions}
    try:
        problems = undocumented(project_dir, ids)
    except (OSError, UnicodeDecodeError) as error:  # a warning must not stop a run
        return [f"the metric docs could not be read ({error}); pmr check reads them too"]
    return [f"{problem}; published all the same (docs/adding-a-metric.md, step 3; pmr check names them too)"
            for problem in problems]
