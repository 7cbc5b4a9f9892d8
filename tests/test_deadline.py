"""Requirement 4: the report is due by the end of the 10th Working Day after the
period ends (metrics.md §6). Expected dates below were worked out by hand from the
England and Wales bank holidays; the comments show the count."""

from __future__ import annotations

import datetime as dt

import pytest

from pmr.calendar import (
    deadline,
    deadline_end_utc,
    first_working_day_after,
    is_first_working_day_of_month,
    publication_timeliness,
)
from pmr.cli import main


@pytest.mark.parametrize(
    ("month", "due"),
    [
        # Tue 31 Mar; Good Friday 3 Apr and Easter Monday 6 Apr skipped: 1,2,7,8,9,10,13,14,15,16.
        ("2026-03", "2026-04-16"),
        # Ends on a Saturday: 2-6 Nov and 9-13 Nov.
        ("2026-10", "2026-11-13"),
        # Thu 31 Dec; New Year's Day (Fri 1 Jan) skipped: 4-8 and 11-15 Jan.
        ("2026-12", "2027-01-15"),
        # Ends on a Friday: 3-7 and 10-14 Aug (Summer bank holiday is 31 Aug, later).
        ("2026-07", "2026-08-14"),
        # Ends on a Sunday: 1-5 and 8-12 Jun, the earliest day a deadline can fall.
        ("2026-05", "2026-06-12"),
        # Thu 30 Apr; Early May bank holiday (Mon 4 May) skipped: 1, 5-8, 11-15 May.
        ("2026-04", "2026-05-15"),
        # Spring bank holiday moved to Thu 2 Jun 2022, plus the Platinum Jubilee on Fri 3 Jun:
        # 1, 6-10, 13-16 Jun.
        ("2022-05", "2022-06-16"),
        # Wed 31 Dec 2025; New Year's Day (Thu 1 Jan) skipped: 2, 5-9, 12-15 Jan.
        ("2025-12", "2026-01-15"),
        # Christmas 2027: Fri 31 Dec, New Year's Day on a Saturday is observed Mon 3 Jan 2028:
        # 4-7, 10-14, 17 Jan.
        ("2027-12", "2028-01-17"),
        # Leap year: Tue 29 Feb 2028: 1-3, 6-10, 13-14 Mar.
        ("2028-02", "2028-03-14"),
        # Mon 30 Nov: 1-4, 7-11, 14 Dec (before the Christmas holidays).
        ("2026-11", "2026-12-14"),
    ],
)
def test_deadline(month, due):
    assert deadline(month).isoformat() == due


@pytest.mark.parametrize("month,due", [("2026-10", "2026-11-13"), ("2026-03", "2026-04-16"), ("2026-12", "2027-01-15")])
def test_cli_prints_exactly_the_iso_date(month, due, capsys):
    assert main(["deadline", month]) == 0
    captured = capsys.readouterr()
    assert captured.out == due + "\n"


def test_cli_rejects_a_bad_month(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["deadline", "2026-13"])
    assert exit_info.value.code == 1  # bad input; 2 is the gate blocking publication
    assert "YYYY-MM" in capsys.readouterr().err


def test_deadline_instant_is_the_end_of_the_uk_day():
    # 13 Nov 2026 is GMT: late from midnight UTC; 16 Apr 2026 is BST: late from 23:00 UTC.
    assert deadline_end_utc("2026-10") == dt.datetime(2026, 11, 14, tzinfo=dt.timezone.utc)
    assert deadline_end_utc("2026-03") == dt.datetime(2026, 4, 16, 23, tzinfo=dt.timezone.utc)


def test_timeliness_on_the_deadline_day():
    t = publication_timeliness("2026-10", dt.datetime(2026, 11, 13, 23, 30, tzinfo=dt.timezone.utc))
    assert t == {
        "month": "2026-10",
        "deadline": "2026-11-13",
        "published_at": "2026-11-13T23:30:00+00:00",
        "published_uk_date": "2026-11-13",
        "working_days_after_period_end": 10,
        "working_days_allowed": 10,
        "on_time": True,
    }


def test_the_console_says_how_late_a_publication_was_not_what_is_allowed():
    """October 2026 published on Friday 4 December: 25 Working Days after 31 October
    (2-6, 9-13, 16-20, 23-27 and 30 November, 1-4 December), past the 10 allowed."""
    from pmr.run_log import RunLog, requirement_4_phrase

    late = RunLog(month="2026-10", landing="l", warehouse="w",
                  timeliness=publication_timeliness("2026-10", dt.datetime(2026, 12, 4, 12)))
    assert requirement_4_phrase(late) == ("due 2026-11-13, published 2026-12-04, 25 Working Days after the period: "
                                          "LATE")
    # Saturday 14 November: still 10 Working Days after 31 October, but after the deadline
    weekend = RunLog(month="2026-10", landing="l", warehouse="w",
                     timeliness=publication_timeliness("2026-10", dt.datetime(2026, 11, 14, 12)))
    assert requirement_4_phrase(weekend) == ("due 2026-11-13, published 2026-11-14, 10 Working Days after the "
                                             "period: LATE")
    # a re-issue is judged on its first final publication, whose date the phrase gives once
    reissue = RunLog(month="2026-10", landing="l", warehouse="w", first_publication=weekend.timeliness,
                     timeliness=publication_timeliness("2026-10", dt.datetime(2026, 12, 4, 12)))
    assert requirement_4_phrase(reissue) == ("first published with final figures 2026-11-14, due 2026-11-13, "
                                             "10 Working Days after the period: LATE")


def test_the_console_says_why_figures_are_provisional():
    from pmr import gate
    from pmr.run_log import RunLog, requirement_4_phrase

    def published(*failed):
        log = RunLog(month="2026-10", landing="l", warehouse="w",
                     timeliness=publication_timeliness("2026-10", dt.datetime(2026, 11, 10, 12)))
        log.record_checks([gate.CheckResult(name, "gx", False, False, "") for name in failed])
        return requirement_4_phrase(log)

    # published with --allow-missing-days, on 10 November: not late yet
    assert published(gate.DAYS_CHECK) == ("PROVISIONAL figures (an incomplete month: days without data); due with "
                                          "final figures by the end of 2026-11-13, when Requirement 4 is judged")
    assert published(gate.DAYS_CHECK, gate.FOLLOW_UP_CHECK).startswith(
        "PROVISIONAL figures (an incomplete month: days without data; the data after the month has not all landed); ")
    assert published().startswith("due 2026-11-13, published 2026-11-10, 7 Working Days after the period: on time")


def test_timeliness_uses_the_uk_date_in_summer_time():
    # 23:30 UTC on the deadline day is already the next day in London (BST).
    t = publication_timeliness("2026-03", dt.datetime(2026, 4, 16, 23, 30))
    assert t["published_uk_date"] == "2026-04-17"
    assert t["working_days_after_period_end"] == 11
    assert t["on_time"] is False


def test_timeliness_across_christmas():
    # November 2026 published Tue 29 Dec: 1-4, 7-11, 14-18, 21-24 Dec are 18 Working Days;
    # Christmas Day and Boxing Day (observed Mon 28 Dec) are skipped; 29 Dec is the 19th.
    t = publication_timeliness("2026-11", dt.datetime(2026, 12, 29, 10))
    assert (t["deadline"], t["working_days_after_period_end"], t["on_time"]) == ("2026-12-14", 19, False)


def test_timeliness_published_on_a_weekend_and_early():
    # October 2026 ends on a Saturday: publishing on Sunday 1 Nov took no Working Day.
    early = publication_timeliness("2026-10", dt.datetime(2026, 11, 1, 12))
    assert (early["working_days_after_period_end"], early["on_time"]) == (0, True)
    # Published on Saturday 14 Nov, after the deadline day: 10 Working Days, but late.
    late = publication_timeliness("2026-10", dt.datetime(2026, 11, 14, 9))
    assert (late["working_days_after_period_end"], late["on_time"]) == (10, False)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 2), True),  # Monday after October ends on a Saturday
        (dt.date(2026, 11, 1), False),  # Sunday
        (dt.date(2027, 1, 4), True),  # 1 Jan 2027 is a bank holiday, then a weekend
        (dt.date(2027, 1, 1), False),
        (dt.date(2026, 4, 1), True),  # Wednesday
        (dt.date(2026, 4, 2), False),
    ],
)
def test_first_working_day_of_month(day, expected):
    assert is_first_working_day_of_month(day) is expected


def test_first_working_day_after():
    assert first_working_day_after("2026-12") == dt.date(2027, 1, 4)
    assert first_working_day_after("2027-12") == dt.date(2028, 1, 4)


def test_working_days_are_counted_in_words():
    from pmr.calendar import working_days_phrase

    assert [working_days_phrase(n) for n in (0, 1, 2)] == ["0 Working Days", "1 Working Day", "2 Working Days"]


def test_a_published_report_whose_run_log_cannot_be_read_is_replaced_with_a_warning(tmp_path):
    """A run log cut short (a disk fault) read as nothing published: a new report said
    nothing of the version it replaced, and Requirement 4 started again from it."""
    from pathlib import Path

    from pmr.run_log import RunLog, earlier_publication

    out, said = tmp_path / "out", []
    assert earlier_publication(out, "2026-10", said.append) is None and said == []  # nothing published
    folder = out / ".runs" / "2026-10" / "r1"
    folder.mkdir(parents=True)
    (out / "2026-10").symlink_to(Path(".runs/2026-10/r1"))
    (folder / "pmr.html").write_text("<html></html>")
    first = RunLog(month="2026-10", landing="l", warehouse="w",
                   timeliness=publication_timeliness("2026-10", dt.datetime(2026, 11, 13, 12)))
    first.write(folder)
    assert earlier_publication(out, "2026-10", said.append).timeliness == first.timeliness and said == []
    text = (folder / "run-log.json").read_text()
    (folder / "run-log.json").write_text(text[:len(text) // 2])
    assert earlier_publication(out, "2026-10", said.append) is None
    assert said == [f"warning: 2026-10's published report has no readable run log ({out / '2026-10' / 'run-log.json'}: "
                    "missing, or cut short): this report cannot name the version it replaces, and Requirement 4 is "
                    "judged on this publication and later ones"]


def test_a_report_rendered_across_midnight_states_the_day_it_is_published(rsvp_month, tmp_path, monkeypatch):
    """Rendering takes seconds, minutes at scale. October's report, begun at 23:59:59 on
    its deadline day (Friday 13 November, GMT) and rendered by 00:00:02 on the 14th, is
    published on the 14th: it is rendered again and says late, not on time. One rendered
    within a day is rendered once."""
    import shutil

    from pmr import pipeline, publish
    from pmr.run_log import RunLog

    db = tmp_path / "w.duckdb"
    shutil.copyfile(rsvp_month["db"], db)

    def publish_with(clock, out):
        clock = iter(clock)
        monkeypatch.setattr(pipeline, "publication_clock", lambda: next(clock))
        log, said = RunLog(month="2026-10", landing="landing", warehouse=str(db)), []
        link = pipeline.publish_step(log, publish.new_run_folder(out, "2026-10"), out, "2026-10", [], db, said.append)
        return log, said, (link / "pmr.html").read_text().split("</header>")[0], list(clock)

    utc = dt.timezone.utc
    log, said, header, unread = publish_with([dt.datetime(2026, 11, 13, 23, 59, 59, tzinfo=utc),
                                              dt.datetime(2026, 11, 14, 0, 0, 2, tzinfo=utc),
                                              dt.datetime(2026, 11, 14, 0, 0, 4, tzinfo=utc)], tmp_path / "late")
    assert (log.timeliness["published_uk_date"], log.timeliness["on_time"]) == ("2026-11-14", False)
    assert log.timeliness["published_at"] == "2026-11-14T00:00:02+00:00"
    assert "render: the UK day changed while writing the report: writing it again, dated 2026-11-14" in said
    assert ('<dt>Published</dt><dd>2026-11-14 00:00 GMT — 10 Working Days after the period: '
            '<span class="late">late</span>') in header
    assert unread == []

    log, said, header, unread = publish_with([dt.datetime(2026, 11, 13, 23, 59, 50, tzinfo=utc),
                                              dt.datetime(2026, 11, 13, 23, 59, 58, tzinfo=utc),
                                              dt.datetime(2026, 11, 14, 0, 0, 4, tzinfo=utc)], tmp_path / "on-time")
    assert (log.timeliness["published_uk_date"], log.timeliness["on_time"]) == ("2026-11-13", True)
    assert '<dt>Published</dt><dd>2026-11-13 23:59 GMT' in header and '<span class="ontime">on time</span>' in header
    assert not any("changed while" in message for message in said)
    assert len(unread) == 1  # the clock was read before and after one rendering
