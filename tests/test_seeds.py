"""The reference tables (seeds) are configuration the Operations Group amends by hand.
Their tests (seeds/_seeds.yml) must catch the amendments that would silently change
figures: a duplicated key doubles the requests joined to it, an unknown class or a
process SRV missing from the catalogue drops requests from every figure, a TRT longer
than the follow-up window calls figures final too early. Here a copy of the project
gets such edits, exactly their tests must fail, and each failure says in words which
file broke which rule."""

from __future__ import annotations

import json
import subprocess

from pmr.dbt_runner import dbt_env, read_results
from pmr.dbt_with_parent import dbt_executable
from tests.helpers import copy_project


def append_line(path, line):
    path.write_text(path.read_text() + line + "\n")


def seed_test_results(project, db):
    target = project / "target"
    subprocess.run(
        [dbt_executable(), "build", "--select", "resource_type:seed", "--indirect-selection", "cautious",
         "--project-dir", str(project)],
        env=dbt_env(db, target) | {"DBT_PROFILES_DIR": str(project)}, capture_output=True, text=True, timeout=600)
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("test.")}


def failure_meanings(project):
    """{test name: the meaning pmr's gate shows} of the failed tests of the last build."""
    return {r["unique_id"].split(".")[2]: r.get("description") for r in read_results(project / "target")
            if r.get("status") == "fail"}


def test_hand_edits_that_would_change_figures_fail_their_seed_tests(tmp_path):
    project = copy_project(tmp_path / "project")
    seeds = project / "seeds"
    append_line(seeds / "srv_catalogue.csv", "2.2,Top Up Device again,false,true,false,false,false,true,30,518400,a typo")
    append_line(seeds / "response_codes.csv", "E40,rejcted,Misspelt class,a typo")
    append_line(seeds / "business_process_srvs.csv", "prepayment_top_up,2.22,,a typo")
    append_line(seeds / "service_levels.csv", "availability_new,95,99,pct,Target below its minimum,a typo")

    statuses = seed_test_results(project, tmp_path / "w.duckdb")

    failed = sorted(name for name, status in statuses.items() if status != "pass")
    assert failed == sorted([
        "unique_srv_catalogue_srv",
        "accepted_values_response_codes_class__success__acknowledgement__rejected__comms_failure__timeout",
        "relationships_business_process_srvs_srv__srv__ref_srv_catalogue_",
        "expression_is_true_service_levels_minimum_target",
        "assert_response_follow_up_is_the_longest_trt",  # the typo row's SMETS1 TRT, 6 days, is the longest
        "assert_windows_allow_what_they_wait_for",  # and longer than the 24 h follow-on window of 2.2
    ]), failed
    assert len(statuses) > 40  # the other seed tests ran, and passed
    # each said in words, with the file, the column and a query that finds the rows
    meanings = failure_meanings(project)
    assert meanings["unique_srv_catalogue_srv"] == (
        'seeds/srv_catalogue.csv: a value of srv appears more than once (the rows: pmr sql --live "select srv, count(*) as times '
        'from reference.srv_catalogue group by all having count(*) > 1")')
    assert meanings["relationships_business_process_srvs_srv__srv__ref_srv_catalogue_"] == (
        'seeds/business_process_srvs.csv: a value of srv is not a srv of srv_catalogue (the rows: pmr sql --live "select '
        'srv, count(*) as times from reference.business_process_srvs where srv is not null and srv not in (select srv from '
        'reference.srv_catalogue) group by all")')
    assert meanings["assert_response_follow_up_is_the_longest_trt"].startswith(
        "seeds/parameters.csv response_follow_up_s must equal the longest Target Response Time")
    assert meanings["expression_is_true_service_levels_minimum_target"] == (
        'seeds/service_levels.csv: some rows break the rule minimum <= target (the rows: pmr sql --live "select * from '
        'reference.service_levels where not (minimum <= target)")')


def test_windows_entered_in_hours_or_days_instead_of_seconds_are_refused(tmp_path):
    """PP1's gap as 24 (meant as 24 hours) is shorter than 2.2's 30 s TRT, so a retry after
    a failure reported within target would start a new chain; its follow-up as 7 (meant
    as 7 days) is shorter than that gap, so a chain open at the period's end could not
    be followed to its next attempt; CoS1's correction window as 7 (days) is shorter than
    6.23's 30 s TRT, within which the failure it corrects may be reported."""
    import duckdb

    project = copy_project(tmp_path / "project")
    parameters = project / "seeds" / "parameters.csv"
    text = parameters.read_text()
    edits = {"pp_chain_gap_s,86400,": "pp_chain_gap_s,24,", "pp_chain_follow_up_s,604800,": "pp_chain_follow_up_s,7,",
             "cos_correction_window_s,604800,": "cos_correction_window_s,7,"}
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    parameters.write_text(text)

    db = tmp_path / "w.duckdb"
    statuses = seed_test_results(project, db)

    assert sorted(name for name, status in statuses.items() if status != "pass") == [
        "assert_windows_allow_what_they_wait_for"]
    compiled = next((project / "target" / "compiled").rglob("assert_windows_allow_what_they_wait_for.sql"))
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"select * from ({compiled.read_text()}) order by parameter").fetchall()
    assert rows == [("cos_correction_window_s", 7, "the TRT of 6.23", 30), ("pp_chain_follow_up_s", 7, "pp_chain_gap_s", 24),
                    ("pp_chain_gap_s", 24, "the TRT of 2.2", 30)]
