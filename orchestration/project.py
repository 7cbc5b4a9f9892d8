"""The dbt project as Dagster sees it, and its manifest.

`DbtProject.prepare_if_dev()` re-parses only under `dagster dev` (and needs `dbt`
on PATH); here the manifest is prepared with `dbt parse` under `dagster dev` and,
elsewhere (`dagster definitions validate`, tests, a deployed code server), when it
is missing or older than any file of the dbt project, so the asset graph never
lags behind the models.
"""

from pathlib import Path

from dagster_dbt import DbtProject

from pmr import PROJECT_DIR
from pmr.dbt_runner import dbt_executable

TARGET = Path("target") / "dagster"
DBT_INPUTS = ("models", "macros", "seeds", "tests/dbt", "dbt_project.yml", "profiles.yml")

dbt_project = DbtProject(project_dir=PROJECT_DIR, target_path=TARGET)


def newest_input_mtime(project_dir: Path = PROJECT_DIR) -> float:
    newest = 0.0
    for name in DBT_INPUTS:
        path = project_dir / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for child in path.rglob("*"):
                if child.is_file() and child.suffix in (".sql", ".yml", ".yaml", ".csv", ".md"):
                    newest = max(newest, child.stat().st_mtime)
    return newest


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    manifest = project.manifest_path
    return not manifest.exists() or manifest.stat().st_mtime < newest_input_mtime(Path(project.project_dir))


def parse(project: DbtProject = dbt_project) -> None:
    """`dbt parse` into the project's target folder, with the dbt of this
    environment (found beside the Python interpreter, so no activated venv needed)."""
    from dagster_dbt import DbtCliResource

    DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """Parse under `dagster dev` (as DbtProject.prepare_if_dev would) or when the
    manifest is missing or stale; returns its path."""
    if project.preparer.using_dagster_dev() or manifest_is_stale(project):
        parse(project)
    return project.manifest_path
