"""dbt run by hand on a warehouse pmr built: the models of the reporting period read the
tables of the last build, so a build for another period is refused before any node runs
(macro check_built_period), where it used to relabel October's figures as December's."""

from pmr import build_state
from pmr.dbt_runner import run_dbt
from pmr.warehouse import connect


def _built_for(db, period: str) -> None:
    with connect(db) as con:
        build_state.ensure_state_tables(con)
        con.execute("insert into raw.build_state (fingerprint, status, mode, updated_at, period) "
                    "values ('f', 'built', 'full', now()::timestamp, ?)", [period])


def test_dbt_for_another_period_than_the_warehouse_was_built_for_builds_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    _built_for(db, "2026-10")
    refused = run_dbt(["seed", "--select", "alert_codes"], db, period="2026-12")
    assert not refused.ok and refused.results == []
    assert ("this warehouse holds the build of 2026-10 (raw.build_state) and --vars gives period 2026-12"
            in refused.log_tail)
    assert "pmr run --month 2026-12" in refused.log_tail
    with connect(db, read_only=True) as con:
        assert not con.execute("select * from duckdb_tables() where table_name = 'alert_codes'").fetchall()

    same = run_dbt(["seed", "--select", "alert_codes"], db, period="2026-10")
    assert same.ok
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from reference.alert_codes").fetchone()[0] == 8


def test_dbt_on_a_warehouse_pmr_has_not_built_runs_for_any_period(tmp_path):
    result = run_dbt(["seed", "--select", "alert_codes"], tmp_path / "w.duckdb", period="2026-12")
    assert result.ok


def test_dbt_by_hand_after_a_build_that_did_not_finish_builds_nothing(tmp_path):
    """A pmr run of November stopped half way through its dbt build on October's warehouse:
    raw.build_state says building 2026-11 while the marts still hold October. A hand build
    for November would count October's rows as November's, one for October would read
    November's half-built tables; both are refused until pmr finishes the build. pmr's own
    builds (run with their claim) go on."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        build_state.ensure_state_tables(con)
        con.execute("insert into raw.build_state (fingerprint, status, mode, updated_at, period) "
                    "values ('f', 'building', 'full', now()::timestamp, '2026-11')")
    # November last: dbt parses the project again when the period changes, and the build
    # with the claim below, of November, starts from that parse
    for period in ("2026-10", "2026-11"):
        refused = run_dbt(["seed", "--select", "alert_codes"], db, period=period)
        assert not refused.ok and refused.results == []
        assert ("the last build of this warehouse, of 2026-11, did not finish (raw.build_state: building)"
                in refused.log_tail)
        assert "pmr run --month 2026-11" in refused.log_tail
    with connect(db) as con:
        con.execute("create table raw.run_claim as select 'c' as claim")
    assert run_dbt(["seed", "--select", "alert_codes"], db, period="2026-11", claim="c").ok
