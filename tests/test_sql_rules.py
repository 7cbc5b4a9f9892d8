"""Rules on the SQL text of the models (pmr.sql_rules), checked with the metric
declarations before anything is read or built (`pmr check`, `pmr run`, the Dagster
job): no clock or chance, no UTC day of a UTC timestamp, no date of a period."""

from __future__ import annotations

import pytest

from pmr.metric_declarations import MetricDefinitionError, check_declarations
from tests.helpers import new_metric, project_with


@pytest.mark.parametrize(("sql", "found"), [
    ("select count(*) as value from x where day < current_date", "current_date"),
    ("select random() as value", "random()"),
    ("select cast('{{ run_started_at }}' as timestamp) as value", "run_started_at"),
    ("select cast('{{ modules.datetime.date.today() }}' as date) as value", ".today()"),
])
def test_a_metric_reading_the_clock_or_chance_is_refused_before_building(tmp_path, sql, found):
    """A re-run of the month would publish other figures (README: re-runs are
    reproducible); in a comment or a string literal it is no read."""
    project = project_with(tmp_path, new_metric(), sql=sql)
    with pytest.raises(MetricDefinitionError) as refused:
        check_declarations(project)
    assert str(refused.value).startswith("SQL that reads the clock or draws a random value, so that a run of the same "
                                         f"month again would publish other figures: models/metrics/metric_zz_new.sql: "
                                         f"{found} (the period's bounds"), refused.value
    (project / "models" / "metrics" / "metric_zz_new.sql").write_text(
        "-- not now(), not current_date\nselect 'random() today()' as label, 1 as value")
    check_declarations(project)


@pytest.mark.parametrize(("sql", "found"), [
    ("select cast(received_at as date) as day, count(*) as value from {{ ref('fct_service_requests') }} group by 1",
     "cast(received_at as date)"),
    ("select r.raised_at::date as day from r", "r.raised_at::date"),
    ("select {{ dbt.date_trunc('day', 'resolved_at') }} as day", "date_trunc('day', 'resolved_at')"),
    ("select date_trunc('month', started_at) as m", "date_trunc('month', started_at)"),
    # the active band is 08:00-20:00 UK time
    ("select extract(hour from received_at) between 8 and 19 as active", "extract(hour from received_at)"),
    ("select date_part('dow', piece_start_utc) as weekday", "date_part('dow', piece_start_utc)"),
])
def test_a_model_taking_the_utc_day_of_a_utc_timestamp_is_refused_before_building(tmp_path, sql, found):
    """From the last Sunday of March to the last Sunday of October a row of 23:00-24:00
    UTC is on the next UK day: its UTC date would count it on the day before, and the
    gate cannot tell why (the day is still in the month, or the month's first hour is
    refused as a day outside it)."""
    project = project_with(tmp_path, new_metric(), sql=sql)
    with pytest.raises(MetricDefinitionError) as refused:
        check_declarations(project)
    assert str(refused.value).startswith(
        "SQL that takes the UTC date, day, hour or month of a UTC timestamp, where the figures are by UK day and "
        "month (in summer time a row of 23:00-24:00 UTC would count on the day before its UK day): "
        f"models/metrics/metric_zz_new.sql: {found} (the UK date is {{{{ uk_date('received_at') }}}}"), refused.value


def test_uk_days_and_utc_hours_pass(tmp_path):
    """The UK date by the macro or a *_day_uk column, a UTC hour bucket (UK and UTC hours
    start together), and the construct in a comment or a string literal."""
    project = project_with(tmp_path, new_metric(), sql=(
        "-- not cast(received_at as date)\n"
        "select {{ uk_date('received_at') }} as day, cast(received_day_uk as date) as uk_day,\n"
        "    date_trunc('hour', received_at) as hour_start, 'received_at::date' as label,\n"
        "    extract(hour from {{ utc_to_uk('received_at') }}) as uk_hour\n"
        "from {{ ref('fct_service_requests') }}"))
    check_declarations(project)
    # any model, not only a metric model: a mart's daily counts are the figures' too
    mart = project / "models" / "marts" / "core" / "pmr_zz_daily.sql"
    mart.write_text("select cast(sent_at as date) as day, count(*) as messages from x group by 1")
    with pytest.raises(MetricDefinitionError, match=r"models/marts/core/pmr_zz_daily.sql: cast\(sent_at as date\)"):
        check_declarations(project)


@pytest.mark.parametrize(("sql", "found"), [
    # an ad hoc query of the docs made a model: November would publish October's figures
    ("select count(*) as value from {{ ref('fct_service_requests') }}\n"
     "where not is_transform and received_day_uk between '2026-10-01' and '2026-10-31'", "'2026-10-01'; "
     "models/metrics/metric_zz_new.sql: '2026-10-31'"),
    ("select count(*) as value from x where received_at >= timestamp '2026-09-30 23:00:00'", "'2026-09-30 23:00:00'"),
    ("select count(*) as value from x where substring(period, 1, 7) = '2026-10'", "'2026-10'"),
    # "--" inside a literal starts no comment
    ("select '--' as marker, count(*) as value from x where received_day_uk < '2026-11-01'", "'2026-11-01'"),
])
def test_a_model_with_a_period_written_into_it_is_refused_before_building(tmp_path, sql, found):
    """A monthly figure has no day for the gate to check, and the test of every metric
    model's period builds October only: a model filtered on October's dates passes
    both, then publishes October's rows (or none) as any later month's figures."""
    project = project_with(tmp_path, new_metric(), sql=sql)
    with pytest.raises(MetricDefinitionError) as refused:
        check_declarations(project)
    assert str(refused.value).startswith(
        "a date written into a model's SQL pins its figures to one period whatever month is built (a later month "
        f"would publish that period's figures, or none, under its own): models/metrics/metric_zz_new.sql: {found} "
        "(the period's bounds are {{ period_first_day() }} and {{ period_next_first_day() }} for a UK date"
    ), refused.value


def test_the_periods_bounds_an_epoch_and_a_commented_date_pass(tmp_path):
    project = project_with(tmp_path, new_metric(), sql=(
        "-- October 2026 was '2026-10'\n"
        "select count(*) as value,\n"
        "    min({{ dbt.datediff(\"cast('2000-01-01' as timestamp)\", 'received_at', 'minute') }}) as since_epoch\n"
        "from {{ ref('fct_service_requests') }}\n"
        "where received_day_uk >= {{ period_first_day() }} and received_day_uk < {{ period_next_first_day() }}"))
    check_declarations(project)


def test_every_rule_broken_is_named_at_once(tmp_path):
    project = project_with(tmp_path, new_metric(), sql=(
        "select cast(received_at as date) as day, count(*) as value from x where received_at < now()\n"
        "and received_day_uk < '2026-11-01' group by 1"))
    with pytest.raises(MetricDefinitionError) as refused:
        check_declarations(project)
    assert [line.split(":")[0] for line in str(refused.value).splitlines()] == [
        "SQL that reads the clock or draws a random value, so that a run of the same month again would publish "
        "other figures",
        "SQL that takes the UTC date, day, hour or month of a UTC timestamp, where the figures are by UK day and "
        "month (in summer time a row of 23",
        "a date written into a model's SQL pins its figures to one period whatever month is built (a later month "
        "would publish that period's figures, or none, under its own)"]
