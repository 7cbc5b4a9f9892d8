"""The DataFrames the expectation suites validate, read from the warehouse through
a read-only DuckDB connection. Each frame has a `label` column naming its rows in
the detail of a failing check.

The reconciliation frame recounts the staged rows here, independently of the
dbt models that produced the published figures: a request or alert belongs to
the period of its `received_at` (UK calendar month, bounds from pmr.calendar),
Transforms (command variant 4) are never counted, and a request counts in every
business process whose SRV list holds its SRV (seeds/business_process_srvs.csv).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pmr import SOURCES
from pmr.calendar import period_bounds_utc
from pmr.contract import DEVICE_TYPES
from pmr.day_ends import hours_by_source, short_days
from pmr.landing_file import sql_str
from pmr.landing_reach import PERIOD_SOURCES, least_rows_of_a_day
from pmr.metric_tables import CATALOGUE, STATUS, TABLE

FIGURE_DIMENSIONS = ("day", "business_process", "segment", "device_type", "service", "time_band", "category")
REQUIRED_SEGMENTS = ("North", "Central", "South", "All")
TIME_BANDS = ("active", "inactive")  # Requirement 3's bands (metrics.md §5 and §8)


def relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()[0]
    )


def _figure_label(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    parts = ", ".join(f"'{d}=' || cast({prefix}{d} as varchar)" for d in FIGURE_DIMENSIONS)
    return f"{prefix}metric_id || '[' || concat_ws(', ', {parts}) || ']'"


def metric_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every figure of metrics.pmr_metrics, with one helper column per unit rule
    (NULL where the rule does not apply, so the expectation ignores the row)."""
    return con.execute(
        f"""
        select
            {_figure_label()} as label,
            metric_id,
            model,
            kind,
            unit,
            period,
            segment,
            -- as text, for the detail of a failing check only: pandas reads NaN as missing
            case when isnan(value) then 'NaN' else cast(value as varchar) end as value,
            -- DuckDB divides as IEEE doubles: 0 / 0 is NaN and x / 0 infinite, which no range check refuses
            case when value is not null then isfinite(value) end as value_finite,
            case when unit = 'pct' then value end as pct_value,
            case when unit in ('s', 'h', 'min') then value end as duration_value,
            case when unit = 'count' then value end as count_value,
            -- a count is whole unless its YAML declares it fractional (a mean of counts)
            case when unit = 'count' and not fractional then value - floor(value) end as count_fraction,
            -- a fractional count (a mean of counts, as a forecast) is empty when it cannot be computed
            case when unit = 'count' and not coalesce(fractional, false) then value is not null end as count_present,
            -- a breakdown value outside its list is a figure of nothing the report knows (a misspelt key)
            case when coalesce(business_process, service, device_type, time_band) is not null then
                (business_process is null
                 or business_process in (select business_process from reference.business_processes))
                and (service is null or service in (select service from reference.service_components))
                and (device_type is null or device_type in ({', '.join(map(sql_str, DEVICE_TYPES))}))
                and (time_band is null or time_band in ({', '.join(map(sql_str, TIME_BANDS))}))
            end as breakdowns_known,
            strftime(day, '%Y-%m') as day_month
        from {TABLE}
        left join (select metric_id as catalogued_id, fractional from {CATALOGUE}) as catalogue
            on metric_id = catalogue.catalogued_id
        order by label
        """
    ).df()


def declared_ids(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every metric id the metric models' YAML declares, with whether it has figures:
    an id whose SQL returns no row would be missing from the report without a word."""
    return con.execute(
        f"""
        select metric_id as label, metric_id in (select metric_id from {TABLE}) as has_figures
        from {CATALOGUE}
        order by label
        """
    ).df()


def family_has_rows(con: duckdb.DuckDBPyConnection, pattern: str) -> bool:
    return bool(con.execute(f"select count(*) from {TABLE} where metric_id like ?", [pattern]).fetchone()[0])


def segment_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per (business process with RSVP figures, segment it must have):
    North, Central, South and All always; SMETS1 unless none of the process's SRVs
    applies to SMETS1 (seeds/srv_catalogue.csv applies_to_smets1). Monthly figures."""
    segments = ", ".join(f"('{s}')" for s in REQUIRED_SEGMENTS)
    return con.execute(
        f"""
        with reported as (
            select distinct business_process, segment
            from {TABLE}
            where metric_id like 'rsvp.%' and business_process is not null and day is null
        ),
        processes as (
            select distinct business_process from reported
        ),
        with_smets1 as (
            select distinct process_srvs.business_process
            from reference.business_process_srvs as process_srvs
            inner join reference.srv_catalogue as catalogue on process_srvs.srv = catalogue.srv
            where catalogue.applies_to_smets1
        ),
        required as (
            select processes.business_process, segments.segment
            from processes cross join (values {segments}) as segments (segment)
            union all
            select business_process, 'SMETS1' from processes
            where business_process in (select business_process from with_smets1)
        )
        select
            required.business_process || ' / ' || required.segment as label,
            required.business_process,
            required.segment,
            reported.segment is not null as present
        from required
        left join reported
            on required.business_process = reported.business_process and required.segment = reported.segment
        order by label
        """
    ).df()


def volume_reconciliation(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """One row per business process with a monthly `rsvp.volume` (segment All) or
    with staged traffic in the period: the published volume, the staged count
    (recounted here), the sum of the four segments and the sum of the daily figures.
    The recount counts rows per SRV and device type before matching them to the
    processes: a staged request_id or alert_id is unique (staging keeps one row per
    id; blocking dbt tests hold it), and counting ids distinctly per process cost
    about 6 s of a month-end run at scale 0.1."""
    start, end = period_bounds_utc(month)
    return con.execute(
        f"""
        with processes as (
            select business_process, measured_on from reference.business_processes
        ),
        process_srvs as (
            select distinct business_process, srv, device_type from reference.business_process_srvs
        ),
        process_alerts as (
            select distinct business_process, alert_code from reference.business_process_alerts
        ),
        request_counts as (
            select srv, device_type, count(*) as requests
            from staging.stg_service_requests
            where received_at >= $start and received_at < $end and command_variant <> 4
            group by srv, device_type
        ),
        process_request_counts as (
            -- distinct: an SRV listed for a process both with and without a device type counts once
            select distinct process_srvs.business_process, request_counts.srv, request_counts.device_type,
                request_counts.requests
            from request_counts
            inner join process_srvs
                on request_counts.srv = process_srvs.srv
                and (process_srvs.device_type is null or process_srvs.device_type = request_counts.device_type)
        ),
        staged_requests as (
            select business_process, sum(requests) as staged
            from process_request_counts
            group by business_process
        ),
        staged_alerts as (
            select process_alerts.business_process, count(*) as staged
            from staging.stg_alerts as alerts
            inner join process_alerts on alerts.alert_code = process_alerts.alert_code
            where alerts.received_at >= $start and alerts.received_at < $end
                and not alerts.suppressed
            group by 1
        ),
        staged as (
            select processes.business_process,
                case when processes.measured_on = 'alerts' then staged_alerts.staged else staged_requests.staged end
                    as staged
            from processes
            left join staged_requests on processes.business_process = staged_requests.business_process
            left join staged_alerts on processes.business_process = staged_alerts.business_process
        ),
        volumes as (
            select business_process, segment, day, value
            from {TABLE}
            where metric_id = 'rsvp.volume' and business_process is not null
        ),
        reported as (
            select
                business_process,
                max(case when segment = 'All' and day is null then value end) as reported,
                sum(case when segment in ('North', 'Central', 'South', 'SMETS1') and day is null then value end)
                    as segments_sum,
                sum(case when segment = 'All' and day is not null then value end) as daily_sum
            from volumes
            group by business_process
        )
        select
            coalesce(reported.business_process, staged.business_process) as label,
            cast(reported.reported as double) as reported,
            cast(coalesce(staged.staged, 0) as double) as staged,
            cast(reported.segments_sum as double) as segments_sum,
            cast(reported.daily_sum as double) as daily_sum
        from reported
        full outer join staged on reported.business_process = staged.business_process
        where reported.business_process is not null or coalesce(staged.staged, 0) > 0
        order by label
        """,
        {"start": start, "end": end},
    ).df()


def period_activity(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """One row per source of PERIOD_SOURCES: whether any accepted row falls in the
    period. Without one, every figure would be a 0 or a perfect 100% made of nothing
    (an empty or wrong landing folder, a month not delivered yet)."""
    start, end = period_bounds_utc(month)
    parts = [
        f"select '{source}' as label, exists (select 1 from staging.stg_{source} "
        f"where {column} >= $start and {column} < $end) as has_rows"
        for source, column in PERIOD_SOURCES.items()
    ]
    return con.execute(" union all ".join(parts) + " order by label", {"start": start, "end": end}).df()


def srvs_in_month(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """One row per SRV of the accepted requests received in `month`: how many, and
    whether srv_catalogue holds it. A request of an SRV outside it is in no business
    process and has no Target Response Time."""
    start, end = period_bounds_utc(month)
    return con.execute(
        """
        select requests.srv as label, count(*) as requests, bool_or(catalogue.srv is not null) as catalogued
        from staging.stg_service_requests as requests
        left join reference.srv_catalogue as catalogue on catalogue.srv = requests.srv
        where requests.received_at >= $start and requests.received_at < $end
        group by requests.srv
        order by label
        """,
        {"start": start, "end": end},
    ).df()


def follow_up_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per instant the landing must reach (metrics.metric_status, from `follow_up`
    in a metric's YAML): the metric ids that look that far past the month (a final
    response, a correcting request, a verification alert), that instant (UTC), the
    instant the landing reached when the figures were built (pmr.landing_reach), and the
    latest clock start of the requests they read when a Future-Dated request executed
    after their window sets it. An uncovered window means those figures can still
    change (docs/decision-log.md)."""
    return con.execute(
        f"""
        select
            string_agg(metric_id, ', ' order by metric_id) as label,
            any_value(period) as period,
            needed_through_utc,
            any_value(landed_through_utc) as landed_through_utc,
            max(latest_clock_start_utc) as latest_clock_start_utc,
            not bool_or(is_provisional) as covered
        from {STATUS}
        where needed_through_utc is not null
        group by needed_through_utc
        order by needed_through_utc
        """
    ).df()


def _missing_days_by_source(con: duckdb.DuckDBPyConnection, month: str,
                            hours: dict[str, dict[dt.date, list[int]]] | None = None) -> dict[str, list[dt.date]]:
    hours = hours or hours_by_source(con, month)
    missing = {}
    for source in PERIOD_SOURCES:
        rows = {day: sum(counts) for day, counts in hours[source].items()}
        least = least_rows_of_a_day(rows)
        missing[source] = [day for day, count in rows.items() if count < least]
    return missing


def days_without_data(con: duckdb.DuckDBPyConnection, month: str,
                      hours: dict[str, dict[dt.date, list[int]]] | None = None) -> pd.DataFrame:
    """One row per source of PERIOD_SOURCES: the UK days of the month on which it has
    no accepted row, or fewer than a tenth of its median day's
    (pmr.landing_reach.LEAST_SHARE_OF_MEDIAN_DAY). The DCC handles requests and alerts
    every hour of every day, so such a day is an extract that did not land, or landed
    in part, and the month's figures would be made of part of it (docs/decision-log.md).
    `hours` (pmr.day_ends.hours_by_source), when given, saves reading the rows again."""
    return pd.DataFrame([dict(label=source, days_missing=len(days), missing_days=day_ranges(days))
                         for source, days in _missing_days_by_source(con, month, hours).items()])


def days_cut_short(con: duckdb.DuckDBPyConnection, month: str,
                   hours: dict[str, dict[dt.date, list[int]]] | None = None) -> pd.DataFrame:
    """One row per source of PERIOD_SOURCES: the UK days of the month with data whose
    first or last hours are nearly empty where the month's other days have rows
    (pmr.day_ends): an extract cut short or started late, or an outage of those hours."""
    hours = hours or hours_by_source(con, month)
    found = {source: short_days(hours[source]) for source in PERIOD_SOURCES}
    return pd.DataFrame([dict(label=source, days_cut_short=len(days), cut_short=", ".join(d.describe() for d in days))
                         for source, days in found.items()])


def uk_days_without_data(con: duckdb.DuckDBPyConnection, month: str) -> list[dt.date]:
    """The UK days of the month on which one of PERIOD_SOURCES has no accepted row
    (days_without_data), sorted: the report's daily charts mark them."""
    return sorted(set().union(*_missing_days_by_source(con, month).values()))


def day_ranges(days: list[dt.date]) -> str:
    """'2026-10-02..2026-10-05, 2026-10-09' for those days (sorted)."""
    ranges: list[list[dt.date]] = []
    for day in days:
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return ", ".join(f"{a}" if a == b else f"{a}..{b}" for a, b in ranges)


# When a staged row of a source belongs to the month ($start, $end: its UTC bounds): its
# event falls in it, or for an outage, it overlaps it.
IN_MONTH = {
    **{source: f"{column} >= $start and {column} < $end" for source, column in PERIOD_SOURCES.items()},
    "csp_test_messages": "sent_at >= $start and sent_at < $end",
    "outages": "started_at < $end and (ended_at is null or ended_at > $start)",
    "incidents": "raised_at >= $start and raised_at < $end",
    "ch_firmware_events": "event_at >= $start and event_at < $end",
}


def source_deliveries(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """One row per landing source (pmr.SOURCES): its landing files (read or skipped,
    whatever months they hold), whether any accepted row belongs to `month`
    (IN_MONTH), and the metric ids whose models read its staged rows
    (metrics.metric_catalogue.sources, from dbt's lineage). A source without a row in
    the month leaves those figures without its data (0 incidents raised when the
    month's incidents extract was not delivered), unless there truly was none."""
    readers = f"""select trim(source) as source, string_agg(metric_id, ', ' order by metric_id) as metric_ids,
                      string_agg(distinct requirement, ', ' order by requirement) as requirements
                  from {CATALOGUE}, unnest(string_split(sources, ',')) as s(source)
                  group by all"""
    in_month = " union all ".join(
        f"select '{source}' as source, exists (select 1 from staging.stg_{source} where {IN_MONTH[source]}) as has_rows"
        for source in SOURCES)
    start, end = period_bounds_utc(month)
    return con.execute(
        f"""
        with sources(label, position) as (select * from unnest($sources::varchar[]) with ordinality),
        files as (select source, count(*) as landing_files from staging.landing_accounting group by source),
        in_month as ({in_month}),
        readers as ({readers})
        select label, coalesce(files.landing_files, 0) as landing_files, in_month.has_rows as has_rows_in_month,
            coalesce(readers.requirements, 'none') as requirements, readers.metric_ids
        from sources
        left join files on files.source = sources.label
        left join in_month on in_month.source = sources.label
        left join readers on readers.source = sources.label
        order by position
        """,
        {"sources": list(SOURCES), "start": start, "end": end},
    ).df()
