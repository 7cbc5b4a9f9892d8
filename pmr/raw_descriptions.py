"""Descriptions of the `raw` schema as DuckDB comments, so an analyst reads them with
`duckdb_columns()` and `duckdb_tables()` / `duckdb_views()` as for the dbt schemas
(whose comments come from the model YAML). pmr writes the raw schema itself (ingest,
build state, run claim), so it describes it here; ingest calls `describe_raw` last,
after it has recreated the views (recreating a view drops its comments)."""

from __future__ import annotations

import duckdb

from pmr import SOURCES
from pmr.contract import CONTRACT
from pmr.landing_file import sql_str

FILE_COLUMNS = {
    "_file": "The landing file the row came from: <source>/<file name>, relative to the landing folder.",
    "_row": "The row's number within its file, 1 for the first data record (the header is not counted).",
}

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "landing_files": ("Every landing file ingest has seen, one row per file: loaded (its rows are in raw), or "
                      "skipped (unreadable or missing a required column; its rows are quarantined), with why.", {
        "source": "The source folder the file is in (one of the seven sources of the landing contract).",
        "file": "The file, as <source>/<file name> relative to the landing folder: the key of the file everywhere.",
        "path": "The file's full path when it was read.",
        "format": "csv (also .csv.gz) or parquet.",
        "size_bytes": "The file's size when it was read; a change makes ingest read it again.",
        "mtime_ns": "The file's status-change time (which moves with every write and cannot be set), in ns, when it was read.",
        "status": "loaded, or skipped (the whole file could not be used; error says why).",
        "rows_read": "Data records read from the file (for a skipped file, those it holds, all quarantined).",
        "columns": "The contract columns the file has (lower case, sorted); empty for a skipped file. One it lacks "
                   "is NULL in each of its rows (the gate warns).",
        "error": "Why a skipped file was skipped; empty for a loaded file.",
        "loaded_at": "When ingest read the file (UTC).",
        "column_types": "Parquet: the DuckDB type of each column as written; empty for a file copied as text.",
        "other_columns": "The file's columns that the contract does not name, as written, in file order: ignored "
                         "(one may be a contract column renamed); empty for a skipped file.",
        "all_rows_counted": "Whether rows_read is every row the file holds: false for a file skipped before its "
                            "rows could be counted (no Parquet footer, another format, no CSV header, a .csv.gz "
                            "cut short, ...) or read up to a quote that never closes (error says which), whose "
                            "rows no figure includes and no one can count (the gate blocks publication).",
    }),
    "malformed_lines": ("CSV lines that could not be split into the file's columns (a stray quote, too many "
                        "fields): quarantined as malformed, with the line as delivered.", {
        "source": "The source folder of the file.",
        "file": "The file, as <source>/<file name>.",
        "line": "The physical line number in the file (the header is line 1).",
        "raw_line": "The line as delivered.",
        "error": "What the CSV reader could not make of it.",
    }),
    "landing_unread": ("What the landing folder holds that ingest does not read (a file of an unknown suffix, "
                       "a folder that is not a source), so nothing is dropped without a word.", {
        "entry": "The file or folder, relative to the landing folder.",
        "landing_files": "How many files that look like landing files the entry holds.",
        "reason": "Why it is not read.",
    }),
    "ingest_state": ("How the files in landing_files were read (one row): an ingest by other reading code (a "
                     "new pmr, DuckDB or Python) reads every file again, so a fix to how files are read reaches the files "
                     "read before it.", {
        "reader": "Hash of the code, DuckDB and Python versions that read them (pmr.build_state.reader_fingerprint).",
        "finished_at": "When that ingest finished (UTC).",
    }),
    "build_state": ("The last dbt build of the warehouse (one row): its period, full or incremental, and "
                    "whether it completed; the next build is incremental only after a complete one of the same "
                    "period and definitions (docs/incremental-builds.md).", {
        "fingerprint": "Hash of the definitions the build used (models, macros, seeds, project settings).",
        "status": "building (started; a build that stopped half way leaves it so) or built (every model built).",
        "mode": "full or incremental.",
        "updated_at": "When the status was recorded (UTC).",
        "period": "The reporting month the build was for, YYYY-MM.",
    }),
    "built_files": ("The landing files the last complete build read (a copy of landing_files then): files "
                    "not in it, or changed since, are the new files of an incremental build.", {
        "source": "The source folder of the file.",
        "file": "The file, as <source>/<file name>.",
        "size_bytes": "The file's size when the build read it.",
        "mtime_ns": "The file's change time when the build read it, in ns.",
        "status": "Its landing_files status then (loaded or skipped).",
    }),
    "run_claim": ("The run that last claimed the warehouse (one row; it stays after that run ends). A run "
                  "claims it at its first writing step and stops at a later step if another run has claimed it "
                  "since (pmr/run_claim.py, docs/orchestration.md).", {
        "claim": "The run's token: a Dagster run's run id, or a random id for a pmr run.",
        "description": "Which run: the Dagster run id, or when the pmr run started.",
        "month": "The month that run builds, YYYY-MM.",
        "claimed_at": "When that run claimed the warehouse (UTC, ISO 8601).",
    }),
}


def _source_relations(source: str) -> dict[str, str]:
    return {
        f"{source}_csv": (f"Rows of the {source} CSV files (and of Parquet files that had to be copied as text), "
                          "every contract column as the text delivered, one row per data record."),
        f"{source}_parquet": (f"A view over the loaded Parquet files of {source}: the contract columns typed as "
                              "written (NULL where a file lacks an optional column)."),
        f"{source}_csv_new": (f"The rows of {source}_csv from files the last complete build did not read (the "
                              "new files of an incremental build); empty right after a full build."),
        f"{source}_parquet_new": (f"The rows of {source}_parquet from files the last complete build did not read "
                                  "(the new files of an incremental build); empty right after a full build."),
    }


def describe_raw(con: duckdb.DuckDBPyConnection) -> None:
    """Set the comments of every raw table and view pmr knows, and of their columns."""
    kinds = dict(con.execute(
        "select table_name, 'table' from duckdb_tables() where schema_name = 'raw' and database_name = current_database() "
        "union all select view_name, 'view' from duckdb_views() where schema_name = 'raw' "
        "and database_name = current_database()").fetchall())
    described: dict[str, tuple[str, dict[str, str]]] = dict(TABLES)
    for source in SOURCES:
        columns = {c.name: (f"{c.name} as delivered ({c.type} in the landing contract, "
                            f"{'required' if c.required else 'optional'}); text in {source}_csv, typed as "
                            f"written in {source}_parquet") for c in CONTRACT[source]}
        for name, text in _source_relations(source).items():
            described[name] = (text, columns | FILE_COLUMNS)
    present: dict[str, set[str]] = {}
    for table, column in con.execute("select table_name, column_name from duckdb_columns() where schema_name = "
                                     "'raw' and database_name = current_database()").fetchall():
        present.setdefault(table, set()).add(column)
    con.execute("begin transaction")  # one commit for all the comments (a third of the time)
    for name, (text, columns) in described.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        con.execute(f"comment on {kind} raw.{name} is {sql_str(text)}")
        for column, column_text in columns.items():
            if column in present.get(name, ()):
                con.execute(f"comment on column raw.{name}.{column} is {sql_str(column_text)}")
    con.execute("commit")
