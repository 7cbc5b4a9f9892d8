"""When a build may be incremental (pmr/build_state.py, docs/incremental-builds.md), the
plan alone, without dbt: a first build is full and the next incremental; a changed or
removed file, changed definitions, an unfinished build or another period make it full;
the reading code and Python are part of the definitions. Incremental builds run with
dbt: test_incremental.py."""

import duckdb
import pytest

from pmr import build_state
from pmr.ingest import ensure_raw_tables


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setattr(build_state, "definitions_fingerprint", lambda: "v1")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_tables(con)
    con.execute("insert into raw.landing_files (source, file, size_bytes, mtime_ns, status) values "
                "('alerts', 'alerts/a.csv', 10, 1, 'loaded'), ('alerts', 'alerts/b.csv', 20, 2, 'loaded')")
    yield con
    con.close()


def completed_build(con):
    plan = build_state.plan(con, "2026-10")
    build_state.mark_building(con, plan)
    build_state.mark_built(con, plan)
    return plan


def test_a_first_build_is_full_and_the_next_incremental(state):
    assert completed_build(state).mode == "full"
    state.execute("insert into raw.landing_files (source, file, size_bytes, mtime_ns, status) "
                  "values ('alerts', 'alerts/c.csv', 5, 3, 'loaded')")
    plan = build_state.plan(state, "2026-10")
    assert (plan.mode, plan.new_files) == ("incremental", 1)
    assert build_state.plan(state, "2026-10", full_refresh=True).mode == "full"


def test_a_changed_or_removed_file_makes_the_build_full(state):
    completed_build(state)
    state.execute("update raw.landing_files set mtime_ns = 9 where file = 'alerts/a.csv'")
    assert "alerts/a.csv" in build_state.plan(state, "2026-10").reason
    state.execute("update raw.landing_files set mtime_ns = 1 where file = 'alerts/a.csv'")
    assert build_state.plan(state, "2026-10").mode == "incremental"
    state.execute("delete from raw.landing_files where file = 'alerts/b.csv'")
    assert build_state.plan(state, "2026-10").mode == "full"


def test_changed_definitions_or_an_unfinished_build_make_the_build_full(state, monkeypatch):
    completed_build(state)
    monkeypatch.setattr(build_state, "definitions_fingerprint", lambda: "v2")
    assert build_state.plan(state, "2026-10").mode == "full"
    monkeypatch.setattr(build_state, "definitions_fingerprint", lambda: "v1")
    assert build_state.plan(state, "2026-10").mode == "incremental"
    build_state.mark_building(state, build_state.plan(state, "2026-10"))  # and never marked built
    assert build_state.plan(state, "2026-10").reason == "the last build did not finish"


def test_a_build_drops_the_tables_that_no_model_builds_any_more(state):
    state.execute("create schema staging")
    state.execute("create table staging.stg_alerts__touched_checked as select 1 as stale")
    state.execute("create table staging.kept_by_a_user as select 1 as mine")
    completed_build(state)
    tables = {r[0] for r in state.execute("select table_name from information_schema.tables "
                                          "where table_schema = 'staging'").fetchall()}
    assert tables == {"kept_by_a_user"}


def test_a_build_of_another_period_is_full(state):
    completed_build(state)
    assert build_state.plan(state, "2026-10").mode == "incremental"
    assert build_state.plan(state, "2026-11").reason == "the last build was of another period, 2026-10"


def test_only_a_build_of_every_model_counts_as_complete():
    every = [{"unique_id": f"model.p.{m}", "status": "success"} for m in build_state.INCREMENTAL_MODELS]
    assert build_state.models_all_built(every + [{"unique_id": "test.p.t", "status": "fail"}])
    assert not build_state.models_all_built(every[1:])
    assert not build_state.models_all_built(every + [{"unique_id": "model.p.x", "status": "error"}])


def test_the_reader_fingerprint_covers_every_module_that_reads_landing_files():
    """Ingest reads every file again, and dbt builds in full, when the code that reads
    files changes: that holds only if each module it reads with is hashed. (The CSV
    header checks moved to pmr/csv_header.py and were missing.) Not hashed: the
    source list, connections and errors, the raw schema's comments, this module."""
    import ast

    from pmr import PROJECT_DIR

    def source(module: str):
        return PROJECT_DIR / (module.replace(".", "/") + ".py")

    def imported(module: str) -> set[str]:
        tree = ast.parse(source(module).read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pmr":
                names |= ({node.module} if node.module != "pmr" else {f"pmr.{a.name}" for a in node.names})
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names if a.name.startswith("pmr.")}
        return names

    reading, todo = set(), ["pmr.ingest"]
    while todo:
        module = todo.pop()
        not_hashed = ("pmr.warehouse", "pmr.raw_descriptions", "pmr.build_state")
        if module not in reading and module not in not_hashed and source(module).is_file():  # not pmr.SOURCES
            reading.add(module)
            todo += imported(module)
    assert {"pmr.landing_file", "pmr.csv_header", "pmr.gzip_salvage"} <= reading  # the walk gets that far
    modules = {source(m).relative_to(PROJECT_DIR).as_posix() for m in reading}
    assert sorted(modules - set(build_state.READER_PATHS)) == []
    assert set(build_state.READER_PATHS) <= set(build_state.DEFINITION_PATHS)


def test_a_new_python_reads_every_file_again(monkeypatch):
    """Python's csv, zlib and codecs read CSV headers, gzip streams and encodings, so
    another Python may read the same file differently: it changes the reader's hash
    (hence ingest reads every file again) and the definitions' (hence a full build)."""
    import platform

    before = build_state.reader_fingerprint(), build_state.definitions_fingerprint()
    monkeypatch.setattr(platform, "python_version", lambda: "3.99.0")
    after = build_state.reader_fingerprint(), build_state.definitions_fingerprint()
    assert before[0] != after[0] and before[1] != after[1]
