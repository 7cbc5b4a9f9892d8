"""The tables of the `metrics` schema that are built in Python rather than by dbt:
their names, the values their columns allow, and the comments that describe them.
pmr.metrics builds metrics.pmr_metrics and metrics.metric_catalogue,
pmr.landing_reach builds metrics.metric_status; the gate and the report read them."""

from __future__ import annotations

import duckdb

TABLE = "metrics.pmr_metrics"
CATALOGUE = "metrics.metric_catalogue"
STATUS = "metrics.metric_status"
KINDS = ("measure", "indicator")
# metrics.md §8's requirement values, and IC2, which its §4 table uses (docs/decision-log.md)
REQUIREMENTS = ("R1", "IC1", "IC2", "CoS1", "B1", "B2", "PP1", "DF1", "DF2", "DF3", "CH1", "CH2", "A1", "R3", "R4",
                "R5")
UNITS = ("pct", "count", "s", "h", "min", "ratio")

# Comments on these tables (dbt writes those of its models from their YAML), so an
# analyst in DuckDB reads every column's meaning with duckdb_columns().
TABLE_COMMENTS = {
    TABLE: "Every figure of the month, one row per metric id and breakdown: the rows of metrics.csv "
           "(docs/metrics.md), with the metric model that computed each.",
    CATALOGUE: "Every metric id declared in a metric model's YAML (models/metrics/_metric_*.yml).",
    STATUS: "Whether the figures of each metric id in metrics.pmr_metrics are final or still provisional: a figure "
            "that looks for data after the month (follow_up) is final once the landing reaches the end of its window "
            "(docs/metrics.md, Provisional figures).",
}
COLUMN_COMMENTS = {
    TABLE: {
        "metric_id": "The figure's id, e.g. rsvp.volume (docs/metrics/*.md describes each).",
        "requirement": f"The MP122 requirement the figure belongs to: one of {', '.join(REQUIREMENTS)} (no figure "
                       "carries R4: the report states it, docs/decision-log.md).",
        "kind": "measure (a figure with a service level: target and minimum, where seeds/service_levels.csv sets "
                "one) or indicator. A measure's rows broken down by what its YAML lists under indicator_breakdowns "
                "are indicators.",
        "period": "The reporting period, YYYY-MM, a UK calendar month.",
        "day": "The UK local date of a daily figure; NULL for a monthly one.",
        "business_process": "Business process key (seeds/business_processes.csv), or NULL.",
        "segment": "North, Central, South (CSP regions of SMETS2), SMETS1, All, or NULL.",
        "device_type": "Device type breakdown, or NULL.",
        "service": "Service key of availability and reliability figures, or NULL.",
        "time_band": "active or inactive hours, or NULL.",
        "category": "Any other breakdown (e.g. incident category, alert code), or NULL.",
        "value": "The figure, in its unit.",
        "unit": f"The figure's unit: {', '.join(UNITS)}.",
        "target": "The service level's target, for a row of kind measure (seeds/service_levels.csv); else NULL.",
        "minimum": "The service level's minimum, for a measure; else NULL.",
        "model": "The dbt metric model (models/metrics/) whose SQL computed the figure.",
    },
    CATALOGUE: {
        "model": "The metric model that declares the id.",
        "metric_id": "The metric id.",
        "requirement": "The MP122 requirement.",
        "kind": "measure or indicator.",
        "unit": f"One of {', '.join(UNITS)}.",
        "service_level": "Key into seeds/service_levels.csv (target, minimum), for a measure; else NULL.",
        "title": "Short title shown in the report, from the YAML, a time window it names written as "
                 "seeds/parameters.csv sets it (60 s, 24 h, 5 days).",
        "description": "What the figure counts or measures, from the YAML, its time windows written out as in title.",
        "fractional": "True when a count may have decimals (a mean of counts); the gate checks other counts are whole.",
        "follow_up_s": "How far past the month, in seconds, the figure looks for data (a final response, a correcting "
                       "request, a verification alert): the sum of the parameters its YAML lists under follow_up "
                       "(seeds/parameters.csv); NULL when it looks at the month only. Until the landing reaches that "
                       "far, the report marks the figure provisional.",
        "requests_received_to_s": "For a figure that waits for final responses (its follow_up names "
                                  "response_follow_up_s): how far past the month, in seconds, the requests whose "
                                  "responses it waits for may be received (the sum of its other follow_up "
                                  "parameters; 0: the month's own requests). NULL for any other figure.",
        "indicator_breakdowns": "For a measure, the breakdowns (comma-separated, e.g. ,day,segment,) whose rows are "
                                "indicators without service levels, as the seed tables mark them; a segment counts "
                                "when it is not All. NULL: every row of the measure is a measure.",
        "sources": "The landing sources (comma-separated, e.g. incidents, outages) whose staged rows the model reads, "
                   "through dbt's lineage: a source with no landing file leaves these figures without its data, and "
                   "the report says so at the top.",
    },
    STATUS: {
        "metric_id": "The metric id (metrics.metric_catalogue).",
        "period": "The month built, YYYY-MM: that of metrics.pmr_metrics.",
        "follow_up_s": "How far past the month, in seconds, the figure looks for data; NULL when it looks at the "
                       "month only (always final).",
        "needed_through_utc": "The instant (UTC) the landing must reach for the figure to be final: the month's end "
                              "plus follow_up_s, or, for a figure waiting for final responses, the latest clock "
                              "start of the month's requests still without one plus response_follow_up_s when "
                              "that is later (a Future-Dated request executed after the month); NULL when "
                              "follow_up_s is.",
        "latest_clock_start_utc": "For a figure waiting for final responses, the latest clock start (execution_at, "
                                  "else received_at) of the requests with no final response yet received in the "
                                  "month and up to requests_received_to_s after it (of every SRV, Transforms aside), when "
                                  "that puts needed_through_utc later than the month's end plus follow_up_s; else "
                                  "NULL.",
        "landed_through_utc": "The instant (UTC) the landing reached when the month was built: the end of the last "
                              "UK day of the unbroken run of days after the month on which requests, responses and "
                              "alerts all have accepted rows, and that had ended when the month was built; the "
                              "month's end when no day after it has. It measures the days after the month only: "
                              "the month's own days are checked apart (the gate's period: every day has data), so "
                              "a month landed in part still reaches its end here.",
        "is_provisional": "True while landed_through_utc is before needed_through_utc: the figure can still change "
                          "when later extracts land. The report marks it provisional.",
    },
}


def _comment(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, comment in TABLE_COMMENTS.items():
        con.execute(f"comment on table {table} is {_comment(comment)}")
        for column, text in COLUMN_COMMENTS[table].items():
            con.execute(f"comment on column {table}.{column} is {_comment(text)}")
