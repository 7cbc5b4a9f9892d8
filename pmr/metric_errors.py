"""The errors of the metric declarations and the reference tables they read: what
`pmr run`, `pmr check` and the Dagster job refuse before anything is read, each saying
which kind of file is at fault (`summary`)."""


class MetricDefinitionError(ValueError):
    """A metric model or its YAML breaks the contract of docs/adding-a-metric.md."""

    summary = "a metric definition breaks the contract of docs/adding-a-metric.md"


class SeedFileError(MetricDefinitionError):
    """A reference table's file (seeds/*.csv) is not written as dbt and pmr read it."""

    summary = "a reference table's file (seeds/*.csv) cannot be read as written"
