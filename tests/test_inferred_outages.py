"""Inferred outages (Requirement 3's "lack of activity" method) scored against the
synthetic generator's ground truth and held to a second implementation
(tests/second_implementation_inferred.py), and the scoring itself (pmr.detection) on
hand-made intervals."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pmr import detection
from pmr.detection import Interval

MONTH = "2026-10"
# 35 UK days: the four weeks before October give the expected levels a history.
START, DAYS, SCALE, SEED = dt.date(2026, 9, 27), 35, 0.002, 7


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --- the scorer, by hand ------------------------------------------------------

def test_score_by_hand():
    drops = [
        Interval("North", t("2026-10-05 10:00"), t("2026-10-05 11:00")),  # 60 min, found
        Interval("South", t("2026-10-05 10:00"), t("2026-10-05 10:40")),  # 40 min, missed
        Interval("Central", t("2026-10-06 10:00"), t("2026-10-06 10:20")),  # 20 min: not required
        Interval("North", t("2026-09-20 10:00"), t("2026-09-20 11:00")),  # outside the window
    ]
    spells = [
        Interval("North", t("2026-10-05 10:10"), t("2026-10-05 10:50")),  # matches the North drop
        Interval("North", t("2026-10-05 10:50"), t("2026-10-05 11:10")),  # overlaps it too
        Interval("Central", t("2026-10-06 10:10"), t("2026-10-06 10:20")),  # matches the short drop
        Interval("South", t("2026-10-05 10:40"), t("2026-10-05 11:00")),  # touches, no overlap
        Interval("Central", t("2026-10-05 10:00"), t("2026-10-05 11:00")),  # wrong segment
        Interval("All", t("2026-10-05 10:00"), t("2026-10-05 11:00")),  # not scored
    ]
    window = (t("2026-09-30 23:00"), t("2026-11-01 00:00"))
    score = detection.score(spells, drops, window)
    # precision: 3 of the 5 per-segment spells overlap a drop of their segment;
    # recall: of the 2 drops >= 30 min in the window (North, South), 1 is found.
    assert (score.matched_spells, score.spells) == (3, 5)
    assert score.precision == pytest.approx(0.6)
    assert (score.found_drops, score.drops) == (1, 2)
    assert score.recall == pytest.approx(0.5)
    assert [d.segment for d in score.missed_drops] == ["South"]


def test_score_with_nothing_to_find():
    score = detection.score([], [])
    assert score.precision is None and score.recall is None


def test_parse_ground_truth_times():
    assert detection.parse_utc("2026-10-25T01:00:00.000Z") == t("2026-10-25 01:00")
    assert detection.parse_utc("2026-10-25T02:00:00+01:00") == t("2026-10-25 01:00")


# --- the detector against the generator's ground truth ------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    generator = pytest.importorskip(
        "pmr.generator", reason="the synthetic generator (pmr.generator) is not available"
    )
    from pmr.dbt_runner import run_dbt
    from pmr.ingest import ingest

    root = tmp_path_factory.mktemp("inferred")
    landing = root / "landing"
    generator.generate(START, DAYS, SCALE, SEED, landing, fmt="parquet")
    db = root / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    try:
        ingest(con, landing)
    finally:
        con.close()
    # the detector's models and their data tests (only tests whose models are all built)
    result = run_dbt(
        ["build", "--select", "+metric_inferred_outages", "--indirect-selection", "cautious",
         "--exclude-resource-type", "unit_test"],
        db,
        period=MONTH,
    )
    assert result.ok, result.log_tail
    return landing, db


@pytest.mark.slow
def test_detector_precision_and_recall(generated):
    landing, db = generated
    con = duckdb.connect(str(db), read_only=True)
    try:
        spells = detection.spells_from_warehouse(con, MONTH)
        window = detection.period_window(con, MONTH)
    finally:
        con.close()
    score = detection.score(spells, detection.load_drops(landing), window)
    print(f"\ninferred outages, {MONTH}, scale {SCALE}, seed {SEED}: {score.summary()}")
    for spell in score.false_spells:
        print("  false spell:", spell)
    for drop in score.missed_drops:
        print("  missed drop:", drop)
    assert score.drops > 0 and score.spells > 0
    assert score.precision >= 0.9
    assert score.recall >= 0.9


@pytest.mark.slow
def test_metric_counts_the_spells(generated):
    _, db = generated
    con = duckdb.connect(str(db), read_only=True)
    try:
        spells = dict(con.execute(
            "select segment, count(*) from marts.pmr_inferred_outages group by segment"
        ).fetchall())
        published = dict(con.execute(
            "select segment, value from metrics.metric_inferred_outages"
        ).fetchall())
        unexplained = con.execute(
            "select count(*) from marts.pmr_inferred_outages where not has_recorded_outage"
        ).fetchone()[0]
        total = con.execute("select count(*) from marts.pmr_inferred_outages").fetchone()[0]
    finally:
        con.close()
    assert set(published) == {"North", "Central", "South", "SMETS1", "All"}
    for segment, value in published.items():
        assert value == spells.get(segment, 0)  # 0, not missing, for a segment with none
    # every injected drop comes from a recorded outage: almost every spell lies beside one
    assert unexplained <= 0.1 * total


@pytest.mark.slow
def test_expected_levels_are_exact_medians_at_scale(generated):
    # The SQL medians (int_request_volume_expected) against Python's over the same
    # ~25,000 bucket counts (DuckDB has had wrong medians over joins: duckdb#24806).
    import statistics
    from collections import defaultdict

    _, db = generated
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = con.execute(
            "select segment, day_type, slot_of_day, clock_slot_of_day, requests "
            "from intermediate.int_request_volume_buckets"
        ).fetchall()
        expected = {
            (seg, kind, aligned_by, slot): value
            for seg, kind, aligned_by, slot, value in con.execute(
                "select segment, day_type, aligned_by, slot_of_day, expected_requests "
                "from intermediate.int_request_volume_expected"
            ).fetchall()
        }
    finally:
        con.close()
    groups = defaultdict(list)
    for seg, kind, slot, clock_slot, requests in counts:
        groups[(seg, kind, "elapsed", slot)].append(requests)
        groups[(seg, kind, "clock", clock_slot)].append(requests)
    assert len(counts) > 20_000 and set(groups) == set(expected)
    # the window holds 25 October: its last hour has elapsed slots no other day has,
    # and after the change its clock slots are an hour behind its elapsed ones
    assert ("All", "non_working_day", "elapsed", 149) in groups and ("All", "non_working_day", "clock", 149) not in groups
    for key, values in groups.items():
        assert expected[key] == pytest.approx(statistics.median(values)), key


@pytest.mark.slow
def test_a_second_implementation_finds_the_same_buckets_spells_and_counts(generated):
    # The detector in plain Python (tests/second_implementation_inferred.py), from the
    # same accepted requests: every bucket of October (the clock change included), every
    # spell with its totals and recorded outages, and the published count per segment.
    from tests import second_implementation_inferred as second

    _, db = generated
    con = duckdb.connect(str(db), read_only=True)
    try:
        buckets, spells, counts = second.inferred_outages(con, MONTH)
        built_buckets, built_spells, published = second.as_built(con)
    finally:
        con.close()

    # October 2026 has 31 days and one more hour: 4,470 buckets in each of five segments
    assert len(buckets) == 5 * (31 * 144 + 6)
    assert built_buckets == buckets  # medians of counts are whole or halves: exact
    assert sum(low for *_, low in buckets.values()) > 0

    def in_order(found):
        return sorted(found, key=lambda spell: (spell["segment"], spell["start"]))

    evidence = [spell.pop("evidence") for spell in in_order(spells)]
    assert [spell.pop("evidence") for spell in in_order(built_spells)] == pytest.approx(evidence)
    assert in_order(built_spells) == in_order(spells)
    assert published == counts and sum(counts.values()) > 0
