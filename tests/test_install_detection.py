"""Detection quality of the degraded install days (IC2): generate four weeks of
history and the month, build the month, and score the segment-days flagged by
ic.deviation (marts.pmr_install_forecast.is_degraded) against the days the
generator injected (`degraded_install_days` in the ground truth).

The install stream is generated at a national-like density (an equivalent scale
of 0.08: about 1,200 premises installed per Working Day) while the rest of the
traffic stays small so that the test runs in minutes. Detection is a matter of
volume: a 40% shortfall in the 15 installs a small-scale segment-day holds cannot
be told from day-to-day noise, and the flag abstains below a forecast of
ic_deviation_min_predicted installs rather than raise false alarms
(docs/benchmarks.md).
"""

import dataclasses
import datetime as dt

import pytest

from tests.helpers import build_warehouse

MONTH = "2026-10"
START = dt.date(2026, 9, 3)  # 28 days of history before 1 October
DAYS = 59  # 3 September to 31 October
SCALE = 0.0005
INSTALL_SCALE = 0.08  # the install stream's equivalent scale
SEED = 7


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    from pmr.generator import generate
    from pmr.generator import requests as generator_requests
    from pmr.install_detection import bench_lines, score

    stream = generator_requests.STREAMS["install"]
    root = tmp_path_factory.mktemp("install-detection")
    landing, db = root / "landing", root / "w.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(generator_requests.STREAMS, "install",
                      dataclasses.replace(stream, per_day=stream.per_day * INSTALL_SCALE / SCALE))
        generate(START, DAYS, SCALE, SEED, landing)
    build_warehouse(landing, db, MONTH)
    result = score(landing, db, MONTH)
    lines = bench_lines(landing, db, MONTH)
    print("\n".join(lines))
    return result


@pytest.mark.slow
def test_degraded_install_days_are_found(scored):
    assert scored.injected, "the generator injected no degraded install day in the month"
    assert scored.assessable, "no segment-day could be assessed: the forecast is missing or below the floor"
    assert scored.recall >= 0.9, scored.lines()
    assert scored.precision is not None and scored.precision >= 0.9, scored.lines()


@pytest.mark.slow
def test_every_injected_day_was_assessable(scored):
    # the flag can only find what it can assess: every injected segment-day has a forecast above the floor
    assert scored.injected <= scored.assessable, scored.lines()


def test_a_month_without_forecasts_is_not_assessed_rather_than_scored_zero(tmp_path, monkeypatch):
    """`make bench` generates the month alone: no forecast, nothing assessable. Its line
    must not read as a recall of 0."""
    import datetime as dt

    from pmr import install_detection
    from pmr.generator.ground_truth import ground_truth_path

    landing = tmp_path / "landing"
    landing.mkdir()
    ground_truth_path(landing).write_text("{}")
    injected = {(dt.date(2026, 10, 6), "South"), (dt.date(2026, 10, 15), "South")}
    monkeypatch.setattr(install_detection, "score",
                        lambda *args: install_detection.DetectionScore("2026-10", injected, flagged=set()))
    (line,) = install_detection.bench_lines(landing, tmp_path / "w.duckdb", "2026-10")
    assert line.startswith("degraded install days 2026-10: not assessed (2 injected)")
    assert "recall" not in line
