"""The dbt project as Dagster sees it, and its manifest.

`DbtProject.prepare_if_dev()` re-parses only under `dagster dev` (and needs `dbt`
on PATH); here the manifest is prepared with `dbt parse` under `dagster dev` and,
elsewhere (`dagster definitions validate`, tests, a deployed code server), when it
is missing or the dbt project's files changed since it was parsed (a file added,
edited, renamed or deleted), so the asset graph never lags behind the models.
"""

import hashlib
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows has no fcntl: there, parses are not serialised
    fcntl = None

from dagster_dbt import DbtProject

from pmr import PROJECT_DIR, dbt_with_parent

TARGET = Path("target") / "dagster"
DBT_INPUTS = ("models", "macros", "seeds", "tests/dbt", "dbt_project.yml", "profiles.yml")

dbt_project = DbtProject(project_dir=PROJECT_DIR, target_path=TARGET)


def input_fingerprint(project_dir: Path = PROJECT_DIR) -> str:
    """A hash of the path, size and modification time of every dbt input file: it
    changes when one is added, edited, renamed or deleted."""
    entries = []
    for name in DBT_INPUTS:
        path = project_dir / name
        files = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for child in files:
            if child.is_file() and (child == path or child.suffix in (".sql", ".yml", ".yaml", ".csv", ".md")):
                stat = child.stat()
                entries.append(f"{child.relative_to(project_dir).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def _fingerprint_path(project: DbtProject) -> Path:
    return Path(project.manifest_path).parent / "inputs.fingerprint"


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    fingerprint = _fingerprint_path(project)
    return (not Path(project.manifest_path).exists() or not fingerprint.exists()
            or fingerprint.read_text() != input_fingerprint(Path(project.project_dir)))


def parse(project: DbtProject = dbt_project) -> None:
    """`dbt parse` into the project's target folder, with the dbt of this
    environment (found beside the Python interpreter, so no activated venv needed)."""
    from dagster_dbt import DbtCliResource

    DbtCliResource(project_dir=project, dbt_executable=dbt_with_parent.executable()).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """Parse under `dagster dev` (as DbtProject.prepare_if_dev would) or when the
    manifest is missing or stale; returns its path.

    Processes that load the definitions at the same time (the webserver and the
    daemon of `dagster dev`, parallel test workers) take turns: two parses writing
    one target folder at once could leave a manifest that matches neither."""
    target = Path(project.manifest_path).parent
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "parse.lock", "w") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if project.preparer.using_dagster_dev() or manifest_is_stale(project):
            fingerprint = input_fingerprint(Path(project.project_dir))  # of the files this parse reads
            parse(project)
            _fingerprint_path(project).write_text(fingerprint)
    return project.manifest_path
