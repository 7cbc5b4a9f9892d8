"""What every report section gets: the month's figures, their catalogue, the
previous month's figures, a read-only warehouse connection, the gate's checks and
the run log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd


@dataclass
class ReportContext:
    month: str
    con: duckdb.DuckDBPyConnection
    metrics: pd.DataFrame  # metrics.pmr_metrics for the month
    catalogue: pd.DataFrame  # metrics.metric_catalogue
    checks: list = field(default_factory=list)  # pmr.gate.CheckResult
    run: Any = None  # pmr.pipeline.RunLog
    facts: dict = field(default_factory=dict)  # header facts: version, deadline, ...

    def metric(self, metric_id: str, **breakdown) -> pd.DataFrame:
        """Rows of one metric id whose breakdown columns equal the given values
        (None = empty); breakdowns not named are not filtered."""
        rows = self.metrics[self.metrics["metric_id"] == metric_id]
        for column, value in breakdown.items():
            rows = rows[rows[column].isna()] if value is None else rows[rows[column] == value]
        return rows

    def value(self, metric_id: str, **breakdown) -> float | None:
        dims = ("day", "business_process", "segment", "device_type", "service", "time_band", "category")
        full = {dim: breakdown.get(dim) for dim in dims}
        rows = self.metric(metric_id, **full)
        if len(rows) > 1:
            raise ValueError(f"{metric_id} {breakdown}: {len(rows)} rows")
        return None if rows.empty or pd.isna(rows["value"].iloc[0]) else float(rows["value"].iloc[0])

    def title(self, metric_id: str) -> str:
        found = self.catalogue[self.catalogue["metric_id"] == metric_id]
        return metric_id if found.empty else str(found["title"].iloc[0])

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()
