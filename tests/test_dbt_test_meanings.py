"""A failed generic dbt test without a description is said in words (pmr.dbt_test_meanings):
which file or table, which rule, and a query that finds the rows."""

from __future__ import annotations

from pmr.dbt_test_meanings import generic_test_meaning

NODES = {
    "seed.p.parameters": {"name": "parameters", "resource_type": "seed", "schema": "reference", "alias": "parameters"},
    "model.p.fct_alerts": {"name": "fct_alerts", "resource_type": "model", "schema": "marts", "alias": None},
}


def _node(name, attached="seed.p.parameters", where=None, **kwargs):
    return {"test_metadata": {"name": name, "kwargs": kwargs}, "attached_node": attached, "config": {"where": where}}


def test_each_generic_test_says_what_broke_where():
    assert str(generic_test_meaning(_node("not_null", column_name="value"), NODES)) == (
        'seeds/parameters.csv: value is empty in some row (the rows: pmr sql --live "select * from reference.parameters where value '
        'is null")')
    assert str(generic_test_meaning(_node("not_null_columns", "model.p.fct_alerts", columns=["alert_id", "smets"]),
                                    NODES)) == (
        'marts.fct_alerts: a column that must have a value (alert_id, smets) is empty in some row (the rows: pmr sql '
        '--live "select column_name, count(*) as rows_without_a_value from (select \'alert_id\' as column_name from '
        'marts.fct_alerts where alert_id is null union all select \'smets\' as column_name from marts.fct_alerts where '
        'smets is null) as empty group by all")')
    assert str(generic_test_meaning(_node("accepted_values", "model.p.fct_alerts", column_name="alert_kind",
                                         values=["device", "dcc"]), NODES)) == (
        "marts.fct_alerts: alert_kind holds a value that is not one of device, dcc (the rows: pmr sql --live \"select "
        "alert_kind, count(*) as times from marts.fct_alerts where alert_kind not in ('device', 'dcc') group by all\")")
    assert str(generic_test_meaning(_node("unique_combination_of_columns", combination_of_columns=["parameter", "unit"]),
                                    NODES)) == (
        'seeds/parameters.csv: the same (parameter, unit) appears more than once (the rows: pmr sql --live "select '
        'parameter, unit, count(*) as times from reference.parameters group by all having count(*) > 1")')


def test_a_test_of_some_rows_says_which_and_finds_only_those():
    worded = generic_test_meaning(_node("not_null", "model.p.fct_alerts", column_name="delivery_s",
                                        where="delivered_at is not null"), NODES)
    assert str(worded) == (
        'marts.fct_alerts (rows where delivered_at is not null): delivery_s is empty in some row (the rows: pmr sql '
        '--live "select * from (select * from marts.fct_alerts where delivered_at is not null) as tested where delivery_s '
        'is null")')


def test_a_test_it_cannot_word_is_left_to_dbts_message():
    assert generic_test_meaning(_node("some_package_test", column_name="value"), NODES) is None
    assert generic_test_meaning(_node("unique", "model.p.gone", column_name="x"), NODES) is None
    assert generic_test_meaning({"resource_type": "test"}, NODES) is None  # a singular test
