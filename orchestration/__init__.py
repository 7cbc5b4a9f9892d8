"""The Dagster code location of the PMR warehouse (`dagster dev` from the project
root; pyproject.toml [tool.dagster] points at orchestration.definitions).

Files, by meaning:
  settings.py    env configuration (PMR_LANDING, PMR_OUT, PMR_DB, PMR_FIRST_MONTH, checked), monthly partitions, the DuckDB pool
  project.py     the dbt project and its manifest (`dbt parse` when missing or stale)
  runs.py        one Dagster run = one run folder and run log, shared by its steps
  ingest.py      landing ingest assets (raw.* tables, the dbt sources)
  dbt.py         dbt models, seeds and tests (@dbt_assets), grouped by layer
  metrics.py     metrics.pmr_metrics, the collection of every metric model
  checks.py      the publication gate, a blocking asset check (pmr.gate.evaluate)
  report.py      the report asset (render + atomic publish) and its deadline
  deadline.py    freshness policy and deadline sensor from the Working-Day calendar
  automation.py  the job, the monthly schedule, the landing sensor and the sensors that close
                 the run log of a run terminated or whose worker died
  definitions.py `defs`
"""
