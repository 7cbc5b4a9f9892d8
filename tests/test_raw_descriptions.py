"""The raw schema is described in the warehouse like the dbt schemas: every table,
view and column of it has a comment once a run has ingested a landing folder."""

from pmr import pipeline
from pmr.run_log import RunLog
from pmr.warehouse import connect
from tests.gate_landings import MONTH, write_good_landing


def test_every_raw_relation_and_column_is_described(tmp_path):
    landing, db = write_good_landing(tmp_path / "landing"), tmp_path / "w.duckdb"
    log = RunLog(month=MONTH, landing=str(landing), warehouse=str(db))
    pipeline.ingest_step(log, landing, db, lambda message: None)
    pipeline.plan_dbt_build(log, db, MONTH, False, lambda message: None)  # creates the build state
    with connect(db, read_only=True) as con:
        relations = con.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'raw' "
            "union all select view_name, comment from duckdb_views() where schema_name = 'raw'").fetchall()
        columns = con.execute("select table_name, column_name, comment from duckdb_columns() "
                              "where schema_name = 'raw'").fetchall()
    names = {name for name, _ in relations}
    assert {"landing_files", "ingest_state", "run_claim", "build_state", "alerts_csv", "alerts_parquet_new"} <= names
    assert [name for name, comment in relations if not comment] == []
    assert [(table, column) for table, column, comment in columns if not comment] == []
    comments = {(table, column): comment for table, column, comment in columns}
    assert comments[("service_requests_parquet", "received_at")].startswith(
        "received_at as delivered (timestamp in the landing contract, required)")
