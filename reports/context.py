"""What every report section gets: the month's figures, their catalogue, the
previous month's figures, a read-only warehouse connection, the gate's checks and
the run log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd


BREAKDOWNS = ("day", "business_process", "segment", "device_type", "service", "time_band", "category")


@dataclass
class ReportContext:
    month: str
    con: duckdb.DuckDBPyConnection
    metrics: pd.DataFrame  # metrics.pmr_metrics for the month
    catalogue: pd.DataFrame  # metrics.metric_catalogue
    checks: list = field(default_factory=list)  # pmr.gate.CheckResult
    run: Any = None  # pmr.run_log.RunLog
    provisional_ids: frozenset = frozenset()  # metric ids whose follow-up window has not landed
    previous: pd.DataFrame | None = None  # the previous month's published metrics.csv, if there is one
    previous_log: dict | None = None  # and the run-log.json published beside it
    previous_problem: str | None = None  # why that metrics.csv could not be read
    # UK days of the month without data (a month published with --allow-missing-days)
    days_without_data: tuple = ()
    _index: dict | None = field(default=None, repr=False)

    def metric(self, metric_id: str, **breakdown) -> pd.DataFrame:
        """Rows of one metric id whose breakdown columns equal the given values
        (None = empty); breakdowns not named are not filtered."""
        rows = self.metrics[self.metrics["metric_id"] == metric_id]
        for column, value in breakdown.items():
            rows = rows[rows[column].isna()] if value is None else rows[rows[column] == value]
        return rows

    def value(self, metric_id: str, **breakdown) -> float | None:
        """The one figure of `metric_id` with exactly this breakdown (breakdowns
        not named are empty), or None."""
        if self._index is None:
            self._index = {}
            for row in self.metrics[["metric_id", *BREAKDOWNS, "value"]].itertuples(index=False):
                key = tuple(None if pd.isna(v) else (str(v)[:10] if i == 1 else v) for i, v in enumerate(row[:-1]))
                if key in self._index:
                    raise ValueError(f"two figures for {key}")
                self._index[key] = None if pd.isna(row[-1]) else float(row[-1])
        key = (metric_id, *(None if breakdown.get(d) is None else breakdown[d] for d in BREAKDOWNS))
        return self._index.get(key)

    def previous_value(self, metric_id: str, **breakdown) -> float | None:
        """The figure with the same id and breakdown in the previous month's published
        metrics.csv, or None (no such report, or no such figure in it)."""
        if self.previous is None:
            return None
        rows = self.previous[self.previous["metric_id"] == metric_id]
        for column in BREAKDOWNS:
            value = breakdown.get(column)
            rows = rows[rows[column] == ("" if value is None else str(value))]
        if len(rows) != 1 or rows["value"].iloc[0] == "":
            return None
        return float(rows["value"].iloc[0])

    def title(self, metric_id: str) -> str:
        """The metric's title in the catalogue, its windows written out (pmr.metric_parameters.with_windows)."""
        found = self.catalogue[self.catalogue["metric_id"] == metric_id]
        return metric_id if found.empty else str(found["title"].iloc[0])

    def parameter(self, name: str) -> float | None:
        """A value of the parameters reference table (seeds/parameters.csv), None if absent."""
        found = self.query("select value from reference.parameters where parameter = ?", [name])
        return None if found.empty else float(found["value"].iloc[0])

    def trt_missed_ceilings(self) -> tuple[float, float] | None:
        """The within-TRT service levels restated as ceilings on the share missed
        (target, minimum), by which ic.pct_trt_missed is judged: it carries no level of
        its own (decision log); None when the seed has no within-TRT levels."""
        levels = self.query("select target, minimum from reference.service_levels "
                            "where service_level = 'pct_within_trt'")
        if levels.empty:
            return None
        return 100 - float(levels["target"].iloc[0]), 100 - float(levels["minimum"].iloc[0])

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()
