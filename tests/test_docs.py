"""Docs that match the code: every metric id declared in a metric model's YAML is
mentioned, as a whole id, on a page of the metric catalogue (docs/metrics/*.md), its
family in the catalogue's index (docs/metrics.md), every README command exists, and
every Python file and test the docs name is there."""

import re

import yaml

from pmr import PROJECT_DIR
from pmr.cli import build_parser
from pmr.metric_docs import mentions, undocumented


def declared_metric_ids() -> set[str]:
    ids = set()
    for path in (PROJECT_DIR / "models" / "metrics").glob("_metric_*.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            for metric in model.get("config", {}).get("meta", {}).get("pmr_metrics", []):
                ids.add(metric["metric_id"])
    return ids




def test_a_metric_id_is_matched_as_a_whole_id():
    assert mentions("| `alerts.pct` | ... |", "alerts.pct")
    assert mentions("see alerts.pct.", "alerts.pct")
    assert not mentions("| `alerts.pct_within_sla` | ... |", "alerts.pct")
    assert not mentions("`rsvp.volume.daily`", "rsvp.volume")
    assert not mentions("`x.rsvp.volume`", "rsvp.volume")


def test_every_declared_metric_is_in_the_catalogue_docs():
    docs = "\n".join(p.read_text() for p in (PROJECT_DIR / "docs" / "metrics").glob("*.md"))
    ids = declared_metric_ids()
    assert len(ids) > 40
    missing = sorted(i for i in ids if not mentions(docs, i))
    assert not missing, f"metric ids declared in models/metrics/_metric_*.yml but on no page of docs/metrics/: {missing}"


def test_every_metric_family_is_in_the_catalogue_index():
    index = (PROJECT_DIR / "docs" / "metrics.md").read_text()
    families = {metric_id.split(".")[0] for metric_id in declared_metric_ids()}
    assert {"rsvp", "cpm5"} <= families
    missing = sorted(f for f in families if f"`{f}.*`" not in index)
    assert not missing, f"metric families declared in models/metrics/ but not in the index of docs/metrics.md: {missing}"


def test_readme_commands_exist():
    readme = (PROJECT_DIR / "README.md").read_text()
    makefile = (PROJECT_DIR / "Makefile").read_text()
    for target in re.findall(r"`make (\w+)`", readme):
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is in the README but not the Makefile"
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    for command in re.findall(r"`pmr ([\w-]+)", readme):
        assert command in commands, f"pmr {command} is in the README but not in the CLI"


def test_every_python_file_and_test_the_docs_name_exists():
    """A test moved to another file left a command in docs/adding-a-metric.md that
    pytest answered with "not found"."""
    named = re.compile(r"(?<![\w./-])((?:tests|pmr|reports|expectations|orchestration)/[\w/]+\.py)(?:::(\w+))?")
    pages = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("**/*.md"))]
    missing = []
    for page in pages:
        for match in named.finditer(page.read_text()):
            path, function = PROJECT_DIR / match.group(1), match.group(2)
            if not path.is_file() or (function and not re.search(rf"^def {function}\(", path.read_text(), re.M)):
                missing.append(f"{page.relative_to(PROJECT_DIR)}: {match.group(0)}")
    assert len(pages) > 5
    assert not missing, f"the docs name Python files or tests that are not there: {missing}"


def test_pmr_check_names_what_the_metric_docs_lack(tmp_path):
    """undocumented() on a hand-made docs folder: new.count is on no page and its family
    `new.*` is not in the index; old.pct is documented, its family too."""
    (tmp_path / "docs" / "metrics").mkdir(parents=True)
    (tmp_path / "docs" / "metrics" / "old.md").write_text("| `old.pct` | share |\n| `new.count_x` | a longer id |\n")
    (tmp_path / "docs" / "metrics.md").write_text("- `old.*`: the old family\n")
    assert undocumented(tmp_path, {"old.pct"}) == []
    assert undocumented(tmp_path, {"old.pct", "new.count"}) == [
        "metric ids on no page of docs/metrics/ (add a row to the family's page): new.count",
        "metric families not in the index docs/metrics.md (a line naming `family.*`): new"]


def test_a_run_warns_about_an_undocumented_metric_and_publishes_it(tmp_path):
    """pmr run and the Dagster job warn (they do not stop) about what pmr check refuses."""
    from pmr.metric_declarations import MetricModel
    from pmr.metric_docs import undocumented_warnings

    models = [MetricModel("metric_new", "metrics.metric_new", ({"metric_id": "old.pct"}, {"metric_id": "new.count"}))]
    assert undocumented_warnings(tmp_path, models) == []  # a copy of the project without docs/metrics/
    (tmp_path / "docs" / "metrics").mkdir(parents=True)
    (tmp_path / "docs" / "metrics" / "old.md").write_text("| `old.pct` | share |\n")
    (tmp_path / "docs" / "metrics.md").write_text("- `old.*`: the old family\n")
    assert undocumented_warnings(tmp_path, models) == [
        "metric ids on no page of docs/metrics/ (add a row to the family's page): new.count; published all the same "
        "(docs/adding-a-metric.md, step 3; pmr check names them too)",
        "metric families not in the index docs/metrics.md (a line naming `family.*`): new; published all the same "
        "(docs/adding-a-metric.md, step 3; pmr check names them too)"]
    assert undocumented_warnings(tmp_path, models[:0]) == []


def test_the_worked_example_of_adding_a_metric_passes_pmr_check(tmp_path):
    """docs/adding-a-metric.md's worked example, its files and docs lines added to a copy
    of the project exactly as the page gives them: pmr check passes (the declaration, the
    docs, portable SQL, and the model built on an empty warehouse)."""
    import shutil

    from pmr import PROJECT_DIR
    from tests.helpers import copy_project, run_project_copy

    page = (PROJECT_DIR / "docs" / "adding-a-metric.md").read_text()
    example = page.split("## A worked example", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"\*\*`([\w/.-]+)`\*\*[^\n]*\n\n```\w*\n(.*?)```", example, re.S)
    assert [path for path, _ in blocks] == [
        "models/metrics/metric_night_requests.sql", "models/metrics/_metric_night_requests.yml",
        "docs/metrics/requirement-1.md", "docs/metrics.md"]
    project = copy_project(tmp_path / "project")
    shutil.copytree(PROJECT_DIR / "docs", project / "docs")
    for path, text in blocks:
        target = project / path
        if path.startswith("docs/"):  # a line added to the page
            target.write_text(target.read_text() + "\n" + text)
        else:
            target.write_text(text)
    checked = run_project_copy(project, "check")
    assert checked.returncode == 0, checked.stderr
    # the project's metric models and ids, and the example's
    folder = project / "models" / "metrics"
    ids = sum(len(re.findall(r"^\s*- metric_id:", p.read_text(), re.M)) for p in folder.glob("*.yml"))
    models = len(list(folder.glob("metric_*.sql")))
    assert models == len(list((PROJECT_DIR / "models" / "metrics").glob("metric_*.sql"))) + 1
    assert f"{models} metric models declare {ids} metric ids, none breaks the contract" in checked.stdout
    assert "SQL rules: no model reads the clock or chance, takes a UTC timestamp's day" in checked.stdout
    assert "every model builds on an empty warehouse" in checked.stdout
    assert "order of rows: no model depends on the order the rows arrive in" in checked.stdout
    assert "not checked for the order of rows" not in checked.stdout  # every model's plan was read
