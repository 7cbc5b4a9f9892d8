"""The expectation suites of the publication gate, built in code.

Blocking (GX severity "critical"): a failure stops publication.
Warning (GX severity "warning"): listed in the report's data-quality appendix.

| suite | check | kind |
|---|---|---|
| metrics | metric_id present, kind measure/indicator, unit known, period = the month, day within the month, segment known, business process, service, device type and time band known, no duplicate figure keys, values are numbers (not NaN or infinite), pct within 0-100, s/h/min >= 0, counts >= 0 and whole | blocking |
| metrics | counts never empty (volumes and counts are 0, not missing; fractional ones may be) | warning |
| metric_ids | every metric id declared in the metric models' YAML has figures | warning |
| rsvp_segments | every business process with RSVP figures has North, Central, South, All (and SMETS1 unless none of its SRVs applies to SMETS1) | blocking |
| rsvp_volumes | monthly volume (All) = staged count recomputed from staging; = sum of the four segments; = sum of the daily figures | blocking |
| accounting_files | rows_read = accepted + duplicates + quarantined, per file; every row of every file counted (none in a file skipped before its rows could be counted, after the break of a .csv.gz cut short, or after a CSV quote that never closes) | blocking |
| accounting_files | every landing file could be read; every file read has every contract column | warning |
| accounting_sources | quarantined share per source <= quarantine_max_pct; every source with data has accepted rows | blocking |
| accounting_sources | quarantined share above half the limit; an id delivered with conflicting contents (all its versions quarantined) | warning |
| landing_folder | no landing file in a folder that is not a source's, or beside the source folders, or out of reach (a name that is not UTF-8 or that DuckDB cannot open, a link to a folder, a broken link) | blocking |
| landing_folder | nothing else unread in the landing folder; every source folder there | warning |
| period | accepted service requests, responses and alerts fall in the month | blocking |
| period_days | ... on every UK day of the month | blocking (a warning with --allow-missing-days) |
| period_day_ends | ... from the start to the end of each UK day: no day whose first or last hours are nearly empty (pmr.day_ends) | warning |
| deliveries | every source has an accepted row in the month (the report names those without) | warning |
| srvs | the SRVs of the month's accepted requests are in srv_catalogue | warning |
| follow_up | the landing holds every day after the month up to the end of each metric's declared follow-up window (later for a figure waiting for an unanswered Future-Dated request executed after it: metrics.metric_status) | warning (the report marks those figures provisional) |

A metric family's checks are skipped (with a note) while it has no rows yet.
"""

from __future__ import annotations

from typing import Callable

import duckdb

from expectations import accounting_frames, frames
from expectations.runner import Rule, gx_modules, validate
from pmr import SOURCES
from pmr.calendar import parse_month
from pmr.contract import DEVICE_TYPES
from pmr.day_ends import hours_by_source
from pmr.gate import DAY_ENDS_CHECK, DAYS_CHECK, DELIVERY_CHECK, FOLLOW_UP_CHECK, CheckResult
from pmr.metric_tables import CATALOGUE, KINDS, STATUS, TABLE, UNITS

Progress = Callable[[str], None]
SRV_CHECK = "requests: every SRV is in the catalogue"
SEGMENTS = ("North", "Central", "South", "SMETS1", "All")


def metric_rules(month: str) -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("metrics: metric id present", gxe.ExpectColumnValuesToNotBeNull(column="metric_id"), True,
             "have a metric_id", "figures"),
        Rule("metrics: kind", gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=list(KINDS)), True,
             "are of kind measure or indicator", "figures", ("kind",)),
        Rule("metrics: unit", gxe.ExpectColumnValuesToBeInSet(column="unit", value_set=list(UNITS)), True,
             f"have a unit in {', '.join(UNITS)}", "figures", ("unit",)),
        Rule("metrics: period", gxe.ExpectColumnValuesToBeInSet(column="period", value_set=[month]), True,
             f"belong to the period {month}", "figures", ("period",)),
        Rule("metrics: period not empty", gxe.ExpectColumnValuesToNotBeNull(column="period"), True,
             "state their period", "figures"),
        Rule("metrics: day within the period", gxe.ExpectColumnValuesToBeInSet(column="day_month", value_set=[month]),
             True, f"fall on a day of {month} (daily figures)", "figures", ("day_month",)),
        Rule("metrics: segment", gxe.ExpectColumnValuesToBeInSet(column="segment", value_set=list(SEGMENTS)), True,
             f"have a segment in {', '.join(SEGMENTS)} (or none)", "figures", ("segment",)),
        Rule("metrics: breakdowns known",
             gxe.ExpectColumnValuesToBeInSet(column="breakdowns_known", value_set=[True]), True,
             "name a business_process of seeds/business_processes.csv, a service of seeds/service_components.csv, "
             f"a device_type of the landing contract ({', '.join(DEVICE_TYPES)}) and a time_band "
             f"{' or '.join(frames.TIME_BANDS)}, or none", "figures"),
        Rule("metrics: one row per figure", gxe.ExpectColumnValuesToBeUnique(column="label"), True,
             "are unique by metric_id and breakdown (a figure given twice: often a breakdown value that is NULL "
             "in the data and also the total's, or a join that repeats rows)", "figures", ("model",)),
        Rule("metrics: values are numbers",
             gxe.ExpectColumnValuesToBeInSet(column="value_finite", value_set=[True]), True,
             "are numbers: not NaN (0 / 0) or infinite (x / 0): divide by nullif(denominator, 0) for no figure "
             "where the denominator is 0, as percent_of does (docs/adding-a-metric.md)", "figures", ("value",)),
        Rule("metrics: pct within 0-100",
             gxe.ExpectColumnValuesToBeBetween(column="pct_value", min_value=0, max_value=100), True,
             "within 0-100", "pct figures", ("pct_value",)),
        Rule("metrics: durations not negative",
             gxe.ExpectColumnValuesToBeBetween(column="duration_value", min_value=0), True,
             ">= 0", "s/h/min figures", ("duration_value",)),
        Rule("metrics: counts not negative", gxe.ExpectColumnValuesToBeBetween(column="count_value", min_value=0),
             True, ">= 0", "count figures", ("count_value",)),
        Rule("metrics: counts whole",
             gxe.ExpectColumnValuesToBeBetween(column="count_fraction", min_value=0, max_value=0), True,
             "are whole numbers (a figure with decimals is no count: a duration is in s, min or h; a mean of "
             "counts or a forecast is declared fractional: true in its YAML, docs/adding-a-metric.md)",
             "count figures", ("count_value",)),
        Rule("metrics: counts not empty", gxe.ExpectColumnValuesToBeInSet(column="count_present", value_set=[True]),
             False, "have a value (0, not missing, for an empty breakdown; a count declared fractional, a mean of "
             "counts, may be empty)", "count figures"),
    ]


def declared_id_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("metrics: every declared id has figures",
             gxe.ExpectColumnValuesToBeInSet(column="has_figures", value_set=[True]), False,
             "have figures this month (none: the share's population was empty this month, e.g. no firmware "
             "image delivered, or a source without data; or an id declared in a metric model's YAML that its SQL "
             "never returns, missing from the report)", "declared metric ids"),
    ]


def segment_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("rsvp: segments complete", gxe.ExpectColumnValuesToBeInSet(column="present", value_set=[True]), True,
             "have monthly RSVP figures (North, Central, South, All; SMETS1 where the process has SMETS1 SRVs)",
             "business process / segment pairs"),
    ]


def volume_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("rsvp: volume reconciles with staging",
             gxe.ExpectColumnPairValuesToBeEqual(column_A="reported", column_B="staged"), True,
             "have a monthly rsvp.volume (All) equal to the staged requests/alerts received in the period",
             "business processes", ("reported", "staged")),
        Rule("rsvp: segment volumes add up to All",
             gxe.ExpectColumnPairValuesToBeEqual(column_A="reported", column_B="segments_sum",
                                                 ignore_row_if="either_value_is_missing"), True,
             "have North + Central + South + SMETS1 volumes equal to All", "business processes",
             ("reported", "segments_sum")),
        Rule("rsvp: daily volumes add up to the month",
             gxe.ExpectColumnPairValuesToBeEqual(column_A="reported", column_B="daily_sum",
                                                 ignore_row_if="either_value_is_missing"), True,
             "have daily volumes (All) that sum to the monthly volume", "business processes",
             ("reported", "daily_sum")),
    ]


def file_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("accounting: rows read = accepted + duplicates + quarantined",
             gxe.ExpectColumnPairValuesToBeEqual(column_A="rows_read", column_B="accounted"), True,
             "account for every row read (rows_read = accepted + duplicates + quarantined)", "landing files",
             ("rows_read", "accepted", "duplicates", "quarantined")),
        Rule("accounting: every file's rows counted",
             gxe.ExpectColumnValuesToBeInSet(column="all_rows_counted", value_set=[True]), True,
             "could be counted row by row (a file skipped before its rows could be counted, a .csv.gz cut short, or "
             "a CSV file with a quote that never closes holds rows that no figure includes and no one can count: "
             "deliver it again, or move it out of the landing folder if it is no extract)", "landing files",
             ("error",)),
        Rule("accounting: files readable", gxe.ExpectColumnValuesToBeInSet(column="loaded", value_set=[True]), False,
             "could be read as a whole (a skipped file's rows are quarantined with its reason, as far as they can "
             "be counted)", "landing files", ("error",)),
        Rule("accounting: files have every contract column",
             gxe.ExpectColumnValuesToBeInSet(column="has_every_column", value_set=[True]), False,
             "have every column of the contract (a column a file lacks is empty in each of its rows: an optional "
             "column left out, or one renamed or abbreviated, e.g. dlvd_at for delivered_at, which is read as an "
             "extra column and ignored)", "landing files", ("lacks", "not_in_contract", "rows_read")),
    ]


def source_rules(max_pct: float) -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("accounting: quarantined share within limit",
             gxe.ExpectColumnValuesToBeBetween(column="quarantined_pct", min_value=0, max_value=max_pct), True,
             f"have at most {max_pct:g}% of their rows quarantined (parameters: quarantine_max_pct)", "sources",
             ("quarantined", "rows_read", "quarantined_pct")),
        Rule("accounting: every source with data has accepted rows",
             gxe.ExpectColumnValuesToBeBetween(column="accepted_if_had_data", min_value=1), True,
             "that delivered rows have at least one accepted row", "sources", ("rows_read", "accepted")),
        Rule("accounting: quarantined share below half the limit",
             gxe.ExpectColumnValuesToBeBetween(column="quarantined_pct", min_value=0, max_value=max_pct / 2), False,
             f"have at most {max_pct / 2:g}% of their rows quarantined (early warning)", "sources",
             ("quarantined", "rows_read", "quarantined_pct")),
        Rule("accounting: no id delivered with conflicting contents",
             gxe.ExpectColumnValuesToBeInSet(column="conflicting_rows", value_set=[0]), False,
             "hold no id delivered twice with different contents: every version is quarantined and the id is "
             "left out of the figures, however few the rows (a correction sent in a new file beside the original "
             "is one way: correct the file that holds the first version instead, docs/landing-contract.md)",
             "sources",
             ("conflicting_rows",)),
    ]


def unread_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("landing: every landing file is in a source folder",
             gxe.ExpectColumnValuesToBeInSet(column="landing_files", value_set=[0]), True,
             "hold no landing file that ingest cannot read (a source folder spelt differently, an extract "
             "beside the source folders, a file name that is not UTF-8 or that DuckDB cannot open, a link to a "
             "folder: its rows would be missing from every figure)", "landing folder entries",
             ("landing_files", "reason")),
        Rule("landing: nothing else in the landing folder",
             gxe.ExpectColumnValuesToBeInSet(column="not_read", value_set=[False]), False,
             "are all read (files and folders ingest does not read, and source folders that are not there)",
             "landing folder entries", ("reason",)),
    ]


def delivery_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule(DELIVERY_CHECK, gxe.ExpectColumnValuesToBeInSet(column="has_rows_in_month", value_set=[True]), False,
             "have an accepted row in the month (without one, either there was none or the month's extract did "
             "not land, and the figures that read the source count nothing from it, e.g. 0 incidents raised; the "
             "report names them at the top of the page)", "sources",
             ("landing_files", "requirements")),
    ]


def period_rules(month: str) -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule("period: the month has data", gxe.ExpectColumnValuesToBeInSet(column="has_rows", value_set=[True]),
             True, f"have accepted rows in {month} (none: an empty or wrong landing folder, or the month not "
             "delivered)", "sources"),
    ]


def day_rules(month: str, allow_missing_days: bool) -> list[Rule]:
    _, gxe = gx_modules()
    allowed = " (allowed for this run: --allow-missing-days)" if allow_missing_days else ""
    return [
        Rule(DAYS_CHECK, gxe.ExpectColumnValuesToBeInSet(column="days_missing", value_set=[0]),
             not allow_missing_days,
             f"have accepted rows on every UK day of {month}, at least a tenth of the month's median day (a day "
             f"with fewer: an extract that did not land, or landed in part, or a month only partly delivered)"
             f"{allowed}", "sources", ("days_missing", "missing_days")),
    ]


def day_end_rules(month: str) -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule(DAY_ENDS_CHECK, gxe.ExpectColumnValuesToBeInSet(column="days_cut_short", value_set=[0]), False,
             f"have rows from the start to the end of each UK day of {month}: none whose first or last hours hold "
             "fewer than a tenth of the month's median for those hours on days of the same type (at least 20 "
             "rows), times UK local (a day's extract cut short or started late, whose figures miss those hours, "
             "or an outage of the whole DCC then)", "sources", ("days_cut_short", "cut_short")),
    ]


def srv_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule(SRV_CHECK, gxe.ExpectColumnValuesToBeInSet(column="catalogued", value_set=[True]), False,
             "are in seeds/srv_catalogue.csv (a request of another SRV is accepted but is in no business process "
             "and has no Target Response Time: add the SRV if MP122 measures it, or check that it is not a "
             "catalogued SRV written differently, e.g. 2.2.0 for 2.2)", "SRVs of the month's requests",
             ("requests",)),
    ]


def follow_up_rules() -> list[Rule]:
    _, gxe = gx_modules()
    return [
        Rule(FOLLOW_UP_CHECK, gxe.ExpectColumnValuesToBeInSet(column="covered", value_set=[True]), False,
             "look past the month no further than the landing reaches (every UK day up to the end of "
             "their window has requests, responses and alerts); until it does, they are provisional",
             "metric ids by follow-up window", ("needed_through_utc", "landed_through_utc")),
    ]


def _skipped(name: str, reason: str) -> CheckResult:
    return CheckResult(name=name, source="gx", passed=True, blocking=False, detail=f"not evaluated: {reason}")


def _missing(name: str, relation: str) -> CheckResult:
    return CheckResult(
        name=name, source="gx", passed=False, blocking=True,
        detail=f"{relation} is missing from the warehouse: build it (dbt build, metric collection) before the gate",
    )


def run_suites(con: duckdb.DuckDBPyConnection, month: str, progress: Progress | None = None,
               allow_missing_days: bool = False) -> list[CheckResult]:
    """Every expectation suite of the gate for `month`, on a read-only connection.
    `allow_missing_days` makes a day without data a warning instead of blocking."""
    parse_month(month)
    checks: list[CheckResult] = []

    if frames.relation_exists(con, "staging.landing_accounting"):
        checks += validate("accounting_files", accounting_frames.accounting_by_file(con), file_rules(), "label",
                           progress)
        max_pct = accounting_frames.quarantine_max_pct(con)
        checks += validate("accounting_sources", accounting_frames.accounting_by_source(con), source_rules(max_pct),
                           "label", progress)
        if frames.relation_exists(con, CATALOGUE) and all(
                frames.relation_exists(con, f"staging.stg_{source}") for source in SOURCES):
            checks += validate("deliveries", frames.source_deliveries(con, month), delivery_rules(), "label",
                               progress)
    else:
        checks.append(_missing("accounting", "staging.landing_accounting"))
    if frames.relation_exists(con, "raw.landing_unread"):
        checks += validate("landing_folder", accounting_frames.unread_entries(con), unread_rules(), "label",
                           progress)
    if all(frames.relation_exists(con, f"staging.stg_{source}") for source in frames.PERIOD_SOURCES):
        checks += validate("period", frames.period_activity(con, month), period_rules(month), "label", progress)
        hours = hours_by_source(con, month)  # one read of the month's rows by hour for both checks
        checks += validate("period_days", frames.days_without_data(con, month, hours),
                           day_rules(month, allow_missing_days), "label", progress)
        checks += validate("period_day_ends", frames.days_cut_short(con, month, hours), day_end_rules(month),
                           "label", progress)
        checks += validate("srvs", frames.srvs_in_month(con, month), srv_rules(), "label", progress)
    else:
        checks.append(_missing("period", "staging.stg_service_requests, stg_service_responses or stg_alerts"))
    if frames.relation_exists(con, STATUS):
        checks += validate("follow_up", frames.follow_up_coverage(con), follow_up_rules(), "label", progress)
    elif frames.relation_exists(con, CATALOGUE):
        checks.append(_missing("follow_up", STATUS))

    if not frames.relation_exists(con, TABLE):
        checks.append(_missing("metrics", TABLE))
        return checks
    figures = frames.metric_figures(con)
    if figures.empty:
        checks.append(_skipped("metrics", "no metric figures yet"))
        return checks
    checks += validate("metrics", figures, metric_rules(month), "label", progress)
    if frames.relation_exists(con, CATALOGUE):
        checks += validate("metric_ids", frames.declared_ids(con), declared_id_rules(), "label", progress)

    if not frames.family_has_rows(con, "rsvp.%"):
        checks.append(_skipped("rsvp", "no rsvp.* figures yet"))
        return checks
    checks += validate("rsvp_segments", frames.segment_coverage(con), segment_rules(), "label", progress)
    if frames.family_has_rows(con, "rsvp.volume"):
        checks += validate(
            "rsvp_volumes", frames.volume_reconciliation(con, month), volume_rules(), "label", progress
        )
    else:
        checks.append(_skipped("rsvp: volumes", "no rsvp.volume figures yet"))
    return checks
