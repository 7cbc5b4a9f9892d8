"""Requirement 3 availability and reliability on a hand-made month (October 2026).

Every expected figure below is worked out by hand; the arithmetic is in the
comments. October 2026 in UK local time runs 2026-09-30T23:00Z..2026-11-01T00:00Z:
44,700 minutes (31 days and the extra hour of the clock change on Sun 25 Oct,
01:00 UTC). September 2026: 30 x 1,440 = 43,200 minutes. Cap: 360 minutes.

Active band minutes in October 2026: 22 weekdays x 720 (08:00-20:00) + 5 Saturdays
x 240 (08:00-12:00) = 15,840 + 1,200 = 17,040; inactive = 44,700 - 17,040 = 27,660.

Outages (UTC), one scenario per service so the figures stay independent:

- dcc_user_interface, Tue 6 Oct: A1 09:00-10:00, A2 09:30-10:30 (overlaps A1),
  A3 09:40-09:50 (inside A1) -> one run 09:00-10:30 = 90 min (not 60+60+10 = 130).
- smki_repository_interface: B0 Wed 30 Sep 22:00 - Wed 30 Sep 23:30 (across the
  month boundary: 60 min in September, 30 min in October); B1 Sat 24 Oct 22:30 -
  Sun 25 Oct 02:00 UTC (across midnight and the clock change): 210 min, of which
  30 min on Sat 24 Oct (23:30-24:00 BST) and 180 min on Sun 25 Oct (00:00 BST -
  02:00 GMT, three real hours); P1 15 Sep 10:00-12:00, September only.
- self_service_interface: C1 ssi_portal North, Sat 31 Oct 22:00, no end -> runs to
  the end of the period, 2026-11-01 00:00 UTC: 120 min, North view only.
- smki_services_interface (smki_ra): D1 planned Wed 7 Oct 19:00-23:00 (240 min),
  D2 unplanned 20:00-21:00 inside it (unplanned beats planned: D1 leaves 180
  planned min); D3 planned Sun 11 Oct 00:00-04:00 (240 min). Planned in time order:
  180 then 240 = 420 > 360: D3's first 180 min excluded, its last 60 min (03:00-
  04:00) count as unplanned.
- registration_data_interface (rdi_gateway), Thu 8 Oct: E1 06:30-07:30 UTC =
  07:30-08:30 BST (30 min inactive, 30 min active), E2 18:45-19:15 UTC = 19:45-20:15
  BST (15 min active, 15 min inactive).
"""

from __future__ import annotations

import pytest

from tests.helpers import build_warehouse, metric, query, write_csv

MONTH = "2026-10"
OCT_MIN = 44_700
SEP_MIN = 43_200
ACTIVE_MIN = 17_040
INACTIVE_MIN = 27_660


def outage(outage_id, component, start, end, planned=False, region=None):
    return {
        "outage_id": outage_id,
        "component": component,
        "started_at": start,
        "ended_at": end,
        "planned": "true" if planned else "false",
        "csp_region": region,
    }


OUTAGES = [
    outage("A1", "dui_gateway", "2026-10-06T09:00:00Z", "2026-10-06T10:00:00Z"),
    outage("A2", "dui_gateway", "2026-10-06T09:30:00Z", "2026-10-06T10:30:00Z"),
    outage("A3", "dui_gateway", "2026-10-06T09:40:00Z", "2026-10-06T09:50:00Z"),
    outage("B0", "smki_repository", "2026-09-30T22:00:00Z", "2026-09-30T23:30:00Z"),
    outage("B1", "smki_repository", "2026-10-24T22:30:00Z", "2026-10-25T02:00:00Z"),
    outage("P1", "smki_repository", "2026-09-15T10:00:00Z", "2026-09-15T12:00:00Z"),
    outage("C1", "ssi_portal", "2026-10-31T22:00:00Z", None, region="North"),
    outage("D1", "smki_ra", "2026-10-07T19:00:00Z", "2026-10-07T23:00:00Z", planned=True),
    outage("D2", "smki_ra", "2026-10-07T20:00:00Z", "2026-10-07T21:00:00Z"),
    outage("D3", "smki_ra", "2026-10-11T00:00:00Z", "2026-10-11T04:00:00Z", planned=True),
    outage("E1", "rdi_gateway", "2026-10-08T06:30:00Z", "2026-10-08T07:30:00Z"),
    outage("E2", "rdi_gateway", "2026-10-08T18:45:00Z", "2026-10-08T19:15:00Z"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    root = tmp_path_factory.mktemp("availability")
    landing = root / "landing"
    write_csv(landing, "outages", OUTAGES)
    warehouse = root / "warehouse.duckdb"
    build_warehouse(landing, warehouse, MONTH)
    return warehouse


def pct(available_min, uptime_min):
    return 100.0 * available_min / uptime_min


def monthly(db, service, segment, period=MONTH):
    rows = query(
        db,
        """select minutes_in_period, excluded_planned_min, unplanned_downtime_min, uptime_min,
                  availability_pct, outages, mttr_h, mtbf_h
           from marts.pmr_availability_monthly where period = ? and service = ? and segment = ?""",
        [period, service, segment],
    )
    assert len(rows) == 1, rows
    keys = ("minutes", "excluded", "unplanned", "uptime", "pct", "outages", "mttr_h", "mtbf_h")
    return dict(zip(keys, rows[0]))


def test_minutes_in_period_follow_uk_local_months(db):
    # October 2026 has the extra hour of the clock change: 31 x 1,440 + 60 = 44,700.
    assert monthly(db, "dcc_user_interface", "All")["minutes"] == OCT_MIN
    assert monthly(db, "dcc_user_interface", "All", "2026-09")["minutes"] == SEP_MIN


def test_overlapping_and_nested_outages_count_once(db):
    # A1 u A2 u A3 = 09:00-10:30 = 90 min; availability (44,700 - 90) / 44,700.
    m = monthly(db, "dcc_user_interface", "All")
    assert m["unplanned"] == pytest.approx(90)
    assert m["outages"] == 1
    assert metric(db, "availability.pct", service="dcc_user_interface", segment="All") == pytest.approx(
        pct(OCT_MIN - 90, OCT_MIN)  # 99.798657...
    )
    assert metric(db, "availability.unplanned_downtime_h", service="dcc_user_interface", segment="All") == (
        pytest.approx(1.5)
    )
    assert metric(db, "reliability.outages", service="dcc_user_interface", segment="All") == 1
    # MTTR = 1.5 h / 1; MTBF = (44,700 - 90) / 60 h / 1 = 743.5 h
    assert metric(db, "reliability.mttr_h", service="dcc_user_interface", segment="All") == pytest.approx(1.5)
    assert metric(db, "reliability.mtbf_h", service="dcc_user_interface", segment="All") == pytest.approx(743.5)


def test_national_outage_counts_in_every_regional_view(db):
    # A national outage (no csp_region) is in the national view and in each region's.
    for region in ("North", "Central", "South"):
        assert metric(db, "availability.pct", service="dcc_user_interface", segment=region) == pytest.approx(
            pct(OCT_MIN - 90, OCT_MIN)
        )


def test_outage_across_midnight_and_the_clock_change(db):
    # B1 210 min + B0's October part (30 min, 23:00-23:30 UTC on 30 Sep = 00:00-00:30
    # BST on 1 Oct) = 240 min, two runs.
    m = monthly(db, "smki_repository_interface", "All")
    assert m["unplanned"] == pytest.approx(240)
    assert m["outages"] == 2
    assert m["pct"] == pytest.approx(pct(OCT_MIN - 240, OCT_MIN))  # 99.463087...
    # MTTR 4 h / 2 = 2 h; MTBF (44,700 - 240) / 60 / 2 = 370.5 h
    assert m["mttr_h"] == pytest.approx(2.0)
    assert m["mtbf_h"] == pytest.approx(370.5)
    # Daily, UK days: Sat 24 Oct (1,440 min) 30 min down; Sun 25 Oct (1,500 min,
    # 25 hours) 180 min down; Thu 1 Oct 30 min down.
    day = lambda d: metric(db, "availability.pct", service="smki_repository_interface", segment="All", day=d)
    assert day("2026-10-24") == pytest.approx(pct(1_440 - 30, 1_440))  # 97.916...
    assert day("2026-10-25") == pytest.approx(pct(1_500 - 180, 1_500))  # 88.0
    assert day("2026-10-01") == pytest.approx(pct(1_440 - 30, 1_440))
    assert day("2026-10-02") == pytest.approx(100.0)
    minutes = dict(query(
        db,
        """select cast(uk_date as varchar), minutes_in_day from marts.pmr_availability_daily
           where period = ? and service = 'smki_repository_interface' and segment = 'All'
             and uk_date in ('2026-10-24', '2026-10-25')""",
        [MONTH],
    ))
    assert minutes == {"2026-10-24": 1_440, "2026-10-25": 1_500}
    # the month before is kept for the previous service level, marked as the monthly mart marks it
    assert sorted(query(
        db,
        """select period, is_current_period, count(*) from marts.pmr_availability_daily
           where service = 'smki_repository_interface' and segment = 'All' group by all""",
    )) == [("2026-09", False, 30), ("2026-10", True, 31)]
    # Both are in the inactive band (Saturday after 12:00, Sunday): active is untouched.
    assert metric(
        db, "availability.pct", service="smki_repository_interface", segment="All", time_band="active"
    ) == pytest.approx(100.0)
    assert metric(
        db, "availability.pct", service="smki_repository_interface", segment="All", time_band="inactive"
    ) == pytest.approx(pct(INACTIVE_MIN - 240, INACTIVE_MIN))


def test_previous_period_is_kept_for_the_previous_service_level(db):
    # September: P1 120 min + B0's September part 60 min (22:00-23:00 UTC on 30 Sep =
    # 23:00-24:00 BST) = 180 min, two runs; (43,200 - 180) / 43,200.
    m = monthly(db, "smki_repository_interface", "All", "2026-09")
    assert m["unplanned"] == pytest.approx(180)
    assert m["outages"] == 2
    assert m["pct"] == pytest.approx(pct(SEP_MIN - 180, SEP_MIN))  # 99.583...
    flags = dict(query(db, "select period, is_current_period from marts.pmr_availability_monthly group by all"))
    assert flags == {"2026-09": False, "2026-10": True}


def test_open_ended_regional_outage(db):
    # C1 runs from 22:00 to the period end 00:00 (120 min), in the North view only.
    assert metric(db, "availability.pct", service="self_service_interface", segment="North") == pytest.approx(
        pct(OCT_MIN - 120, OCT_MIN)  # 99.731543...
    )
    assert metric(db, "availability.unplanned_downtime_h", service="self_service_interface", segment="North") == (
        pytest.approx(2.0)
    )
    for segment in ("All", "Central", "South"):
        assert metric(db, "availability.pct", service="self_service_interface", segment=segment) == 100.0
        assert metric(db, "reliability.outages", service="self_service_interface", segment=segment) == 0
        # no outage: MTTR and MTBF cannot be computed
        assert metric(db, "reliability.mttr_h", service="self_service_interface", segment=segment) is None
    # Sat 31 Oct 22:00 GMT is inactive; the day has 1,440 minutes.
    assert metric(
        db, "availability.pct", service="self_service_interface", segment="North", day="2026-10-31"
    ) == pytest.approx(pct(1_440 - 120, 1_440))


def test_planned_maintenance_over_the_cap_and_under_an_unplanned_outage(db):
    # Excluded: 180 (D1 less the D2 hour) + 180 (first three hours of D3) = 360 = cap.
    # Unplanned: D2 60 + D3's over-cap last hour 60 = 120 min, in two separate runs.
    # Uptime = 44,700 - 360 = 44,340; availability = (44,340 - 120) / 44,340.
    m = monthly(db, "smki_services_interface", "All")
    assert m["excluded"] == pytest.approx(360)
    assert m["unplanned"] == pytest.approx(120)
    assert m["uptime"] == pytest.approx(44_340)
    service = {"service": "smki_services_interface", "segment": "All"}
    assert metric(db, "availability.pct", **service) == pytest.approx(pct(44_340 - 120, 44_340))  # 99.729364...
    assert metric(db, "availability.excluded_planned_h", **service) == pytest.approx(6.0)
    assert metric(db, "availability.unplanned_downtime_h", **service) == pytest.approx(2.0)
    # of which D3's last hour is planned beyond the cap (D2's hour is an unplanned outage)
    assert metric(db, "availability.planned_over_cap_h", **service) == pytest.approx(1.0)
    assert metric(db, "reliability.outages", **service) == 2
    assert metric(db, "reliability.mttr_h", **service) == pytest.approx(1.0)  # 2 h / 2
    assert metric(db, "reliability.mtbf_h", **service) == pytest.approx(368.5)  # 44,220 / 60 / 2
    # Daily (cap in time order across the month): 7 Oct excluded 180, unplanned 60 ->
    # (1,440 - 180 - 60) / (1,440 - 180) = 1,200 / 1,260; 11 Oct the same split.
    for day in ("2026-10-07", "2026-10-11"):
        assert metric(db, "availability.pct", day=day, **service) == pytest.approx(pct(1_200, 1_260))  # 95.238...
    # All in the inactive band (Wed 20:00-24:00 BST, Sunday): (27,660 - 360 - 120) / (27,660 - 360).
    assert metric(db, "availability.pct", time_band="inactive", **service) == pytest.approx(
        pct(27_300 - 120, 27_300)
    )
    assert metric(db, "availability.pct", time_band="active", **service) == 100.0


def test_band_boundaries_at_08_and_20_local(db):
    # E1 07:30-08:30 BST: 30 min inactive + 30 active; E2 19:45-20:15 BST: 15 active + 15 inactive.
    service = {"service": "registration_data_interface", "segment": "All"}
    assert metric(db, "availability.pct", time_band="active", **service) == pytest.approx(
        pct(ACTIVE_MIN - 45, ACTIVE_MIN)  # 99.735915...
    )
    assert metric(db, "availability.pct", time_band="inactive", **service) == pytest.approx(
        pct(INACTIVE_MIN - 45, INACTIVE_MIN)  # 99.837310...
    )
    bands = dict(query(
        db,
        """select time_band, minutes_in_band from marts.pmr_availability_by_band
           where period = ? and service = 'registration_data_interface' and segment = 'All'""",
        [MONTH],
    ))
    assert bands == {"active": ACTIVE_MIN, "inactive": INACTIVE_MIN}
    assert metric(db, "reliability.outages", **service) == 2
    # unplanned outages only: no Planned Maintenance beyond the cap
    assert metric(db, "availability.planned_over_cap_h", **service) == 0
    assert metric(db, "availability.pct", **service) == pytest.approx(pct(OCT_MIN - 90, OCT_MIN))


def test_every_breakdown_is_published(db):
    # 5 services x 4 segments monthly; x 2 bands; x 31 days.
    counts = dict(query(
        db,
        """select case when day is not null then 'day' when time_band is not null then 'band' else 'month' end,
                  count(*)
           from metrics.pmr_metrics where metric_id = 'availability.pct' group by 1""",
    ))
    assert counts == {"month": 20, "band": 40, "day": 620}
    catalogue = dict(query(
        db,
        """select metric_id, kind || '/' || unit || '/' || coalesce(service_level, '')
           from metrics.metric_catalogue where model in ('metric_availability', 'metric_reliability')""",
    ))
    assert catalogue["availability.pct"] == "measure/pct/availability"
    assert catalogue["reliability.outages"] == "indicator/count/"
    # seed Table 3: each service's national monthly figure is the measure (5 services),
    # its regional (5 x 3), time-of-day (5 x 4 x 2) and daily (5 x 4 x 31) views indicators
    kinds = query(
        db, """select kind, target, minimum, count(*) from metrics.pmr_metrics where metric_id = 'availability.pct'
               group by all order by kind""")
    assert kinds == [("indicator", None, None, 15 + 40 + 620), ("measure", 99.5, 98.0, 5)]
    assert query(db, """select count(*) from metrics.pmr_metrics where metric_id = 'availability.pct'
                        and kind = 'measure' and (segment <> 'All' or day is not null or time_band is not null)""") \
        == [(0,)]
