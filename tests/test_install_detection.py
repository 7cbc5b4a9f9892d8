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

Every day of this landing has data, so its month has an install forecast, which the
random landing of test_second_implementation.py lacks: the same build's installs, their
forecast and deviation (IC1, IC2) are also held to the second implementation here.
"""

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pmr.metric_declarations import BREAKDOWNS
from tests import second_implementation as second
from tests import second_implementation_installs as second_installs
from tests.helpers import build_warehouse, query
from tests.second_implementation_rsvp import uk_day

MONTH = "2026-10"
START = dt.date(2026, 9, 3)  # 28 days of history before 1 October
DAYS = 59  # 3 September to 31 October
SCALE = 0.0005
INSTALL_SCALE = 0.08  # the install stream's equivalent scale
SEED = 7


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The generated landing, its install stream at INSTALL_SCALE, and its warehouse built for MONTH."""
    from pmr.generator import generate
    from pmr.generator import requests as generator_requests

    stream = generator_requests.STREAMS["install"]
    root = tmp_path_factory.mktemp("install-detection")
    landing, db = root / "landing", root / "w.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(generator_requests.STREAMS, "install",
                      dataclasses.replace(stream, per_day=stream.per_day * INSTALL_SCALE / SCALE))
        generate(START, DAYS, SCALE, SEED, landing)
    build_warehouse(landing, db, MONTH)
    return {"landing": landing, "db": db}


@pytest.fixture(scope="module")
def scored(month):
    from pmr.install_detection import bench_lines, score

    result = score(month["landing"], month["db"], MONTH)
    lines = bench_lines(month["landing"], month["db"], MONTH)
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


def install_requests_as_csv(landing: Path, folder: Path) -> Path:
    """A landing `folder` of the generated `landing`'s install requests (those counted as
    installs, and ic.install_and_leave's 8.14.2), with their responses and alerts, written
    as the contract's CSV, which the second implementation reads. Its figures of installs,
    their forecast and deviation are those of the whole landing, whose 4.6 million rows it
    would take about a minute to read row by row in Python. The second implementation
    reads clean landings: this one quarantines nothing, and its re-delivered responses
    are exact copies, which leave each request's first answer as it was."""
    srvs = sorted(set(second_installs.INSTALLED_TYPES) | {"8.14.2"})

    def utc_text(*columns):
        return ", ".join(f"strftime({c}, '%Y-%m-%dT%H:%M:%S.%fZ') as {c}" for c in columns)

    selects = {
        "service_requests": f"select * replace ({utc_text('received_at', 'execution_at')}) from read_parquet($files) "
                            "where srv in (select unnest($srvs))",
        "service_responses": f"select * replace ({utc_text('response_at')}) from read_parquet($files) "
                             "where request_id in (select request_id from service_requests)",
        "alerts": f"select * replace ({utc_text('received_at', 'delivered_at')}) from read_parquet($files) "
                  "where request_id in (select request_id from service_requests)",
    }
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        for source, select in selects.items():
            parameters = {"files": str(landing / source / "*.parquet")}
            if source == "service_requests":
                parameters["srvs"] = srvs
            con.execute(f"create table {source} as {select}", parameters)
            (folder / source).mkdir(parents=True)
            con.execute(f"copy {source} to '{folder / source / 'extract.csv'}' (header)")
    return folder


def uk_days_with_requests(landing: Path) -> set[str]:
    """The UK days on which the generated `landing` has any request (a UK day starts on a
    whole UTC hour): second_installs.days_with_data's days, for a Parquet landing that the
    install requests alone stand in for."""
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        hours = con.execute("select distinct date_trunc('hour', received_at)::timestamp "
                            "from read_parquet($files)", {"files": str(landing / "service_requests" / "*.parquet")})
        return {uk_day(hour.replace(tzinfo=dt.timezone.utc)) for (hour,) in hours.fetchall()}


def published_figures(db: Path, metric_ids: set[str]) -> dict:
    """{figure key: value} of `metric_ids` in the warehouse's metrics, keyed as the second implementation keys them."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"select metric_id, {', '.join(BREAKDOWNS)}, value from metrics.pmr_metrics "
                           "where metric_id in (select unnest($ids))", {"ids": sorted(metric_ids)}).fetchall()
    return {second.key(metric_id, *("" if b is None else str(b) for b in breakdowns)): value
            for metric_id, *breakdowns, value in rows}


@pytest.mark.slow
def test_installs_their_forecast_and_deviation_agree_with_the_second_implementation(month, tmp_path):
    # a clean landing, as the second implementation needs (install_requests_as_csv)
    assert query(month["db"], "select sum(quarantined) from staging.landing_accounting") == [(0,)]
    extract = install_requests_as_csv(month["landing"], tmp_path / "installs")
    requests = second.Requests(extract)
    expected = second_installs.installs(requests, extract, with_data=uk_days_with_requests(month["landing"]))
    counts = {"ic.installs", "ic.install_and_commission", "ic.install_and_leave"}
    ids = counts | {"ic.installs_predicted", "ic.deviation"}
    assert second.disagreements(published_figures(month["db"], ids), expected, ids, counts=counts) == []
    # what the random landing cannot give: the month's forecast and deviation, in every segment, and every day's
    assert [s for s in second.SEGMENTS if ("ic.installs_predicted", s) in expected and ("ic.deviation", s) in expected
            ] == second.SEGMENTS
    assert len([k for k in expected if k[0] == "ic.installs_predicted" and len(k) == 3]) == 31 * 5
