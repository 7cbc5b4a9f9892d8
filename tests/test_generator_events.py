"""`pmr generate`'s injected events: the outages, alert storms and degraded install days
written to the ground-truth file are in the extracts, visibly (a regional outage
depresses its region's traffic), and a month holds enough of every kind for the
detectors and metrics; late rows and re-sent files land as the ground truth says.
The contract and realism of the extracts: test_generator.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from pmr.contract import CSP_REGIONS
from pmr.generator import generate
from tests import test_generator
from tests.test_generator import DAYS, SEED, SEGMENT_SQL, check_delivered_as_they_change, deliveries, q

# test_generator's four generated days and their ground truth, generated again for this module
run, con, truth = test_generator.run, test_generator.con, test_generator.truth


def test_ground_truth_traffic_drops(con, truth):
    assert truth["parameters"]["seed"] == SEED and truth["parameters"]["days"] == DAYS
    drops = truth["traffic_drops"]
    assert drops, "a regional unplanned outage must be injected"
    # every regional unplanned outage of 30 minutes or more is listed as a drop
    regional = q(con, """SELECT outage_id, csp_region FROM outages WHERE NOT planned AND csp_region IS NOT NULL
                         AND ended_at - started_at >= INTERVAL 30 MINUTE""")
    assert regional
    listed = {(d["outage_id"], d["segment"]) for d in drops}
    assert set(regional) <= listed
    for drop in drops:
        if drop["duration_min"] < 30:
            continue
        start, end = drop["start"], drop["end"]
        during, elsewhere = q(con, f"""
            WITH r AS (SELECT received_at FROM service_requests WHERE {SEGMENT_SQL} = '{drop["segment"]}'),
            w AS (SELECT TIMESTAMPTZ '{start}' AS a, TIMESTAMPTZ '{end}' AS b)
            SELECT (SELECT count(*) FROM r, w WHERE received_at >= a AND received_at < b),
                   (SELECT count(*) FROM r, w, range(1, {DAYS}) d(k)
                    WHERE received_at >= a + to_days(k::INTEGER) AND received_at < b + to_days(k::INTEGER)
                       OR received_at >= a - to_days(k::INTEGER) AND received_at < b - to_days(k::INTEGER))
                   / {DAYS - 1}""")[0]
        assert elsewhere >= 10, drop
        assert during < 0.4 * elsewhere, (drop, during, elsewhere)


def test_ground_truth_storms_and_degraded_days(con, truth):
    assert truth["alert_storms"]
    for storm in truth["alert_storms"]:
        counted = q(con, f"""SELECT count(*) FROM alerts WHERE suppressed AND {SEGMENT_SQL} = '{storm["segment"]}'
                             AND received_at >= TIMESTAMPTZ '{storm["start"]}' AND received_at < TIMESTAMPTZ '{storm["end"]}'""")[0][0]
        assert storm["suppressed"] == counted > 0
    degraded = truth["degraded_install_days"]
    assert degraded
    for day in degraded:
        assert dt.date.fromisoformat(day["date"]).weekday() < 5 and 0.3 <= day["factor"] <= 0.6
    for outage in truth["outages"]:
        assert set(outage) >= {"id", "component", "csp_region", "planned", "start", "end"}


def test_month_has_the_injected_events(tmp_path):
    """A whole month at a tiny scale: enough events of every kind for detectors and metrics."""
    summary = generate(dt.date(2026, 10, 1), 31, 0.0001, 3, tmp_path / "m")
    truth = json.loads(Path(summary["ground_truth"]).read_text())
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    regional = [d for d in truth["traffic_drops"] if d["segment"] in CSP_REGIONS and d["duration_min"] >= 30]
    assert len({d["outage_id"] for d in regional}) >= 4
    hours = {int(d["start"][11:13]) for d in regional}
    assert max(hours) - min(hours) >= 6  # varied times of day
    planned = [o for o in truth["outages"] if o["planned"]]
    assert planned and all(
        c.execute(f"SELECT hour(timezone('Europe/London', TIMESTAMPTZ '{o['start']}'))").fetchone()[0] >= 20
        for o in planned)
    assert len(truth["degraded_install_days"]) >= 2
    cats = {r[0] for r in c.execute(f"SELECT DISTINCT category FROM '{tmp_path}/m/incidents/*.parquet'").fetchall()}
    assert cats == {1, 2, 3, 4, 5}
    parties = {r[0] for r in c.execute(f"SELECT DISTINCT responsible_party FROM '{tmp_path}/m/incidents/*.parquet'").fetchall()}
    assert "DCC" in parties and len(parties) > 1
    # maintenance from 20:00 often runs past midnight: delivered ongoing, then with its end
    outages = deliveries(c, tmp_path / "m", "outages", "outage_id", ["started_at", "ended_at"])
    assert check_delivered_as_they_change(outages) > 0
    # days are generated in batches: rows caused on a later day land in that day's file,
    # also across batch boundaries, and nothing is lost or duplicated
    c.execute(f"CREATE VIEW r AS SELECT * FROM '{tmp_path}/m/service_requests/*.parquet'")
    c.execute(f"CREATE VIEW s AS SELECT *, filename FROM read_parquet('{tmp_path}/m/service_responses/*.parquet', filename=true)")
    assert c.execute("SELECT count(*) FROM s ANTI JOIN r USING (request_id)").fetchone()[0] == 0
    assert c.execute("SELECT count(*) FROM s JOIN r USING (request_id) WHERE response_at < received_at").fetchone()[0] == 0
    assert c.execute("SELECT count(*) - count(DISTINCT request_id) FROM r").fetchone()[0] == 0
    late = c.execute("""SELECT count(*) FROM s JOIN r USING (request_id)
                        WHERE timezone('Europe/London', received_at)::DATE = DATE '2026-10-07'
                        AND filename LIKE '%2026-10-08.parquet'""").fetchone()[0]
    assert late > 0
    # 3 days' response files delivered again, byte for byte, as the ground truth lists them
    resent = truth["resent_files"]
    assert len(resent) == 3 and len({e["date"] for e in resent}) == 3
    for entry in resent:
        copy = tmp_path / "m" / entry["file"]
        assert copy.name == f"{entry['date']}.resent.parquet" and entry["source"] == "service_responses"
        assert copy.read_bytes() == copy.with_name(f"{entry['date']}.parquet").read_bytes()
        assert c.execute(f"SELECT count(*) FROM '{copy}'").fetchone()[0] == entry["rows"] > 0
    assert sorted(p.name for p in (tmp_path / "m" / "service_responses").glob("*.resent.*")) == \
        sorted(Path(e["file"]).name for e in resent)
    assert summary["resent"] == {str(tmp_path / "m" / e["file"]): e["rows"] for e in resent}
