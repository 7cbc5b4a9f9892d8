"""The publication gate's checks of the period (pmr.gate + expectations/): every UK day
of the month has data, and figures that look past the month wait for that data, on
small hand-made warehouses (no dbt, tests/gate_warehouse.py). The other checks:
tests/test_gate.py."""

import datetime as dt

import duckdb

from pmr import gate
from pmr.gate import DAYS_CHECK, FOLLOW_UP_CHECK
from tests.gate_warehouse import evaluate, make_warehouse


def _day_rows(but=(), at="12:00:00"):
    """A request, its response and an alert at `at` UTC on each October day not in `but`."""
    days = [day for day in range(1, 32) if day not in but]
    requests = [(f"R{d}", f"2026-10-{d:02d}T{at}", "2.2", 1, "ESME", "SMETS2", "North") for d in days]
    responses = [(f"R{d}", f"2026-10-{d:02d}T{at}") for d in days]
    alerts = [(f"A{d}", "8F0A", f"2026-10-{d:02d}T{at}", False) for d in days]
    return requests, responses, alerts


def test_days_without_data_block_and_are_listed(tmp_path):
    requests, responses, _ = _day_rows(but=(5, 6, 7, 20))
    _, _, alerts = _day_rows(but=(31,))
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    check = checks[DAYS_CHECK]
    assert not check.passed and check.blocking
    # responses were written for the days of the requests: they miss the same four days
    assert "service_requests (days_missing=4, missing_days=2026-10-05..2026-10-07, 2026-10-20)" in check.detail
    assert "service_responses (days_missing=4, missing_days=2026-10-05..2026-10-07, 2026-10-20)" in check.detail
    assert "alerts (days_missing=1, missing_days=2026-10-31)" in check.detail


def _alerts_a_day(counts: dict[int, int], usual: int, month: int = 10) -> list[tuple]:
    """`usual` alerts at 12:00 UTC on each day of `month` 2026, `counts[day]` on the days it names."""
    last = 31 if month == 10 else 30
    return [(f"A{month}-{day}-{i}", "8F0A", f"2026-{month:02d}-{day:02d}T12:00:{i % 60:02d}", False)
            for day in range(1, last + 1) for i in range(counts.get(day, usual))]


def test_a_day_with_fewer_than_a_tenth_of_the_usual_rows_is_a_day_without_data(tmp_path):
    """A day whose alerts file did not land still holds the alerts sent after the day
    before ended, delivered late in that day's file: 20 alerts a day, 1 on the 15th
    (fewer than a tenth of the median day, 2) is a day without data; 2 on the 16th is not."""
    requests, responses, _ = _day_rows()
    alerts = _alerts_a_day({15: 1, 16: 2}, usual=20)
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    check = checks[DAYS_CHECK]
    assert not check.passed and check.blocking
    assert "alerts (days_missing=1, missing_days=2026-10-15)" in check.detail
    assert "service_requests" not in check.detail  # one request a day, its median: every day has data


def test_a_day_after_the_month_with_fewer_than_a_tenth_of_the_usual_rows_has_not_landed(tmp_path):
    """The figures waiting for data after the month wait for whole days: 20 alerts a day
    in October, then 20 on 1 November and 1 on the 2nd (a file that did not land): the
    landing reaches 2 Nov 00:00 UTC, so a 2-day window (3 Nov) is not covered."""
    requests, responses, _ = _day_rows()
    alerts = _alerts_a_day({}, usual=20) + _alerts_a_day({1: 20, 2: 1, 3: 20}, usual=0, month=11)
    for day in (1, 2, 3):
        requests.append((f"L{day}", f"2026-11-{day:02d}T12:00:00", "2.2", 1, "ESME", "SMETS2", "North"))
        responses.append((f"L{day}", f"2026-11-{day:02d}T12:00:05"))
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[], follow_up={"rsvp.pct_failed": 2 * 86400.0}))
    assert checks[FOLLOW_UP_CHECK].detail.endswith(
        "(needed_through_utc=2026-11-03 00:00:00, landed_through_utc=2026-11-02 00:00:00)"), checks[FOLLOW_UP_CHECK]


def test_a_day_is_a_uk_day(tmp_path):
    """October 2026 is BST (UTC+1) until the 25th: 23:30 UTC on 30 September is 00:30 on
    1 October, and 23:30 UTC on 1 October is 2 October. From the 25th it is GMT: 23:30
    UTC on the 31st is still the 31st."""
    requests, responses, alerts = _day_rows(but=(1, 2))
    requests += [("E1", "2026-09-30T23:30:00", "2.2", 1, "ESME", "SMETS2", "North"),
                 ("E2", "2026-10-01T23:30:00", "2.2", 1, "ESME", "SMETS2", "North")]
    responses += [("E2", "2026-10-01T23:30:00")]  # 2 October only: 1 October has no response
    alerts += [("AE", "8F0A", "2026-09-30T22:59:59", False)]  # 23:59:59 BST on 30 September: not October
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    detail = checks[DAYS_CHECK].detail
    assert "service_requests" not in detail
    assert "service_responses (days_missing=1, missing_days=2026-10-01)" in detail
    assert "alerts (days_missing=2, missing_days=2026-10-01..2026-10-02)" in detail


def test_a_month_with_data_on_every_day_passes(tmp_path):
    requests, responses, alerts = _day_rows(at="23:30:00")  # 23:30 UTC is the next UK day until the 25th
    requests.append(("E1", "2026-09-30T23:30:00", "2.2", 1, "ESME", "SMETS2", "North"))
    responses.append(("E1", "2026-09-30T23:30:00"))
    alerts.append(("AE", "8F0A", "2026-09-30T23:30:00", False))
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    assert checks[DAYS_CHECK].passed


def test_missing_days_can_be_allowed_and_then_warn(tmp_path):
    requests, responses, alerts = _day_rows(but=(2,))
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True, allow_missing_days=True)
    check = checks[DAYS_CHECK]
    assert not check.passed and not check.blocking
    assert "--allow-missing-days" in check.detail and "missing_days=2026-10-02" in check.detail
    assert not gate.blocking_failures(list(checks.values()))


def test_figures_looking_past_the_month_warn_until_that_data_landed(tmp_path):
    """October 2026 ends at 00:00 UTC on 1 November (GMT). After it, requests land on 1-5
    and 8 November (a gap on the 6th), responses on 1-5, alerts on 1-3 and 5 (a gap on the
    4th). Each source reaches the start of its first missing day: requests and responses
    6 November, alerts 4 November, so the landing reaches 4 Nov 00:00 UTC; the alert of
    the 5th does not count past the gap. A 1-day window (2 Nov) and a 3-day window (4 Nov,
    to the instant) are covered; a 5-day window (6 Nov) is not."""
    requests, responses, alerts = _day_rows()
    for day in (1, 2, 3, 4, 5, 8):
        requests.append((f"L{day}", f"2026-11-{day:02d}T12:00:00", "2.2", 1, "ESME", "SMETS2", "North"))
    for day in (1, 2, 3, 4, 5):
        responses.append((f"L{day}", f"2026-11-{day:02d}T12:00:05"))
    for day in (1, 2, 3, 5):
        alerts.append((f"AL{day}", "8F0A", f"2026-11-{day:02d}T12:00:00", False))
    five_days, one_day, three_days = 5 * 86400.0, 86400.0, 3 * 86400.0
    checks = evaluate(make_warehouse(
        tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts, figures=[],
        follow_up={"rsvp.pct_failed": five_days, "fw.pct_delivered": five_days, "billing.pct_read_within_24h": one_day,
                   "cos.pct_success": three_days}))
    check = checks[FOLLOW_UP_CHECK]
    assert not check.passed and not check.blocking
    assert check.detail.endswith(
        ": 1 of 3 fail: fw.pct_delivered, rsvp.pct_failed "
        "(needed_through_utc=2026-11-06 00:00:00, landed_through_utc=2026-11-04 00:00:00)"), check.detail
    assert not gate.blocking_failures(list(checks.values()))


def test_the_follow_up_check_judges_the_figures_as_they_were_built(tmp_path):
    """The landing reaches only the month's end when the figures are collected, so a
    1-day window is open. Data of 1 November staged afterwards, without collecting the
    figures again, does not make those figures final."""
    requests, responses, alerts = _day_rows()
    path = make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                          figures=[], follow_up={"billing.pct_read_within_24h": 86400.0})
    con = duckdb.connect(str(path))
    con.execute("insert into staging.stg_service_requests values "
                "('L1', '2026-11-01T12:00:00', '2.2', 1, 'ESME', 'SMETS2', 'North')")
    con.execute("insert into staging.stg_service_responses values ('L1', '2026-11-01T12:00:05')")
    con.execute("insert into staging.stg_alerts values ('AL1', '8F0A', '2026-11-01T12:00:00', false)")
    con.close()
    check = evaluate(path)[FOLLOW_UP_CHECK]
    assert not check.passed
    assert check.detail.endswith(
        "(needed_through_utc=2026-11-02 00:00:00, landed_through_utc=2026-11-01 00:00:00)"), check.detail


def test_a_missing_status_table_blocks(tmp_path):
    path = make_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(path))
    con.execute("drop table metrics.metric_status")
    con.close()
    check = evaluate(path)["follow_up"]
    assert not check.passed and check.blocking and "metrics.metric_status is missing" in check.detail


def test_no_follow_up_window_declared_passes(tmp_path):
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb"))
    assert checks[FOLLOW_UP_CHECK].passed


def _hourly_rows(cut=None):
    """30 requests, responses and alerts in every UTC hour of October 2026 (BST until the
    25th, 01:00 UTC), but none in the hours `cut` {source: (first, last) UTC} names."""
    start, end = dt.datetime(2026, 9, 30, 23), dt.datetime(2026, 11, 1, 0)
    hours = [start + dt.timedelta(hours=n) for n in range(int((end - start).total_seconds() // 3600))]

    def kept(source, hour):
        first, last = (cut or {}).get(source, (None, None))
        return first is None or not (first <= hour < last)

    def stamps(source):
        return [(hour + dt.timedelta(minutes=2 * i)).strftime("%Y-%m-%dT%H:%M:%S")
                for hour in hours if kept(source, hour) for i in range(30)]

    requests = [(f"R{n}", at, "2.2", 1, "ESME", "SMETS2", "North") for n, at in enumerate(stamps("requests"))]
    responses = [(f"R{n}", at) for n, at in enumerate(stamps("responses"))]
    alerts = [(f"A{n}", "8F0A", at, False) for n, at in enumerate(stamps("alerts"))]
    return requests, responses, alerts


def test_a_day_whose_data_stops_early_or_starts_late_is_named(tmp_path):
    """Worked out by hand: 720 rows a UK day, 30 an hour. Requests of 15 October stop at
    13:00 UTC (14:00 BST): its last 10 hours hold 0 where every other day has 300, so the
    day is cut short from 14:00. Responses of 21 October start at 05:00 UTC (06:00 BST):
    its first 6 hours hold 0 of 180. Alerts of 25 October (the 25-hour day, GMT from 01:00
    UTC) keep 2 stragglers of their last 4 hours, 20:00-24:00 GMT, against 120: fewer
    than a tenth, so named from 20:00. Every other day is whole."""
    requests, responses, alerts = _hourly_rows(cut={
        "requests": (dt.datetime(2026, 10, 15, 13), dt.datetime(2026, 10, 15, 23)),
        "responses": (dt.datetime(2026, 10, 20, 23), dt.datetime(2026, 10, 21, 5)),
        "alerts": (dt.datetime(2026, 10, 25, 20), dt.datetime(2026, 10, 26, 0)),
    })
    alerts += [("late-1", "8F0A", "2026-10-25T23:59:00", False), ("late-2", "8F0A", "2026-10-25T23:59:30", False)]
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    check = checks[gate.DAY_ENDS_CHECK]
    assert not check.passed and not check.blocking
    assert "service_requests (days_cut_short=1, cut_short=2026-10-15 (none from 14:00 BST))" in check.detail
    assert "service_responses (days_cut_short=1, cut_short=2026-10-21 (none before 06:00 BST))" in check.detail
    assert "alerts (days_cut_short=1, cut_short=2026-10-25 (none from 20:00 GMT))" in check.detail
    assert checks[DAYS_CHECK].passed  # each day keeps more than a tenth of its rows


def test_whole_days_and_too_few_rows_to_tell_are_not_named(tmp_path):
    """Whole days pass; so does a day without its last hour when an hour holds 10 rows
    (the month's median of that hour, below 20, could be empty by chance)."""
    requests, responses, alerts = _hourly_rows()
    checks = evaluate(make_warehouse(tmp_path / "w.duckdb", requests=requests, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    assert checks[gate.DAY_ENDS_CHECK].passed
    few = [row for row in requests if int(row[1][14:16]) < 20]  # 10 an hour
    cut = [row for row in few if not row[1].startswith("2026-10-15T22")]  # the last BST hour of the 15th
    checks = evaluate(make_warehouse(tmp_path / "v.duckdb", requests=cut, responses=responses, alerts=alerts,
                                     figures=[]), every_day=True)
    assert checks[gate.DAY_ENDS_CHECK].passed, checks[gate.DAY_ENDS_CHECK].detail


def test_day_types_and_the_25_hour_day_are_compared_fairly():
    """pmr.day_ends.short_days on hand-made hours of October 2026 (no holiday).
    Working Days have 300 rows in each of their first two hours, weekend days 2: a
    weekend day is compared with weekend days, so none is named. Traffic that follows
    the clock, 1 row an hour before 06:00 and 100 after: on the 25-hour 25 October the
    seventh hour is 05:00 GMT, so by elapsed time its first 7 hours hold 6 where other
    Sundays hold 105; read an hour behind (its hours after the repeated one), they hold
    6 against 6, so it is not named either. A Saturday with nothing before 07:00, where
    weekend days hold 6 + 100 in those 7 hours, is named; its first 6 hours alone (6
    rows on other weekend days) are too few to tell."""
    from pmr.day_ends import short_days

    hours = {}
    for offset in range(31):
        day = dt.date(2026, 10, 1) + dt.timedelta(days=offset)
        working = day.weekday() < 5
        length = 25 if day == dt.date(2026, 10, 25) else 24
        clock = [h if day != dt.date(2026, 10, 25) or h < 2 else h - 1 for h in range(length)]
        hours[day] = [(300 if working and h < 2 else 1 if h < 6 else 100) for h in clock]
    assert short_days(hours, holidays=frozenset()) == []
    hours[dt.date(2026, 10, 17)] = [0] * 7 + [100] * 17  # a Saturday starting at 07:00
    [named] = short_days(hours, holidays=frozenset())
    assert named.describe() == "2026-10-17 (none before 07:00 BST)"
