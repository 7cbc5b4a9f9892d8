"""Rules on the SQL text of the models, checked with the metric declarations before
anything is read or built (`pmr check`, `pmr run`, the Dagster job): no clock or chance
(pmr.reproducible_sql), no UTC day of a UTC timestamp (pmr.utc_day_sql)."""

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
