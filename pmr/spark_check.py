"""Does the dbt project build on Spark, and give the same figures? (`make spark-check`)

1. Generates a small synthetic landing folder with `pmr generate` and builds and
   publishes the month on DuckDB with `pmr run` (the project's own venv).
2. Exports the warehouse's `raw` schema (the landing files as read) to Parquet.
3. Runs dbt in this process against the `spark` target of profiles.yml (a local
   Spark session, dbt-spark's session method): `dbt seed`, registers the Parquet
   files as the Spark tables `raw.*`, then `dbt build` of every model and data test
   except those tagged duckdb_only (unit tests excluded), with the same period.
4. Collects the figures of every metric model on Spark with the SQL of pmr.metrics
   (the metric models come from the manifest, as for metrics.csv) and compares them
   with the metrics.csv DuckDB published: the same rows, the same keys and labels,
   every number equal within a relative tolerance (1e-9).

Runs in the Spark venv (.venv-spark: pyspark, dbt-spark, duckdb; `make spark-check`
makes it) and needs Java 17. Progress goes to standard error, the summary to
standard output. Exit 0 when everything built, every test passed and every figure
matched; 1 when not; 2 when the check could not run (no Java, `pmr run` failed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pmr import PROJECT_DIR
from pmr.figure_compare import TOLERANCE, as_csv_text, compare
from pmr.metric_declarations import CATALOGUE_COLUMNS, catalogue_rows, metric_models
from pmr.metrics import figures_sql, undeclared_sql, union_sql

_STARTED = time.perf_counter()
CATALOGUE_VIEW = "pmr_metric_catalogue"


class CheckCannotRun(RuntimeError):
    """The check could not get as far as comparing (exit 2)."""


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pmr.spark_check",
        description="Build a synthetic month on DuckDB with pmr run, then the same dbt project on Spark "
                    "(dbt-spark, session method) over the same raw tables, and compare every figure of "
                    "metrics.csv. Exit 0 when all built, all tests passed and all figures matched, 1 when "
                    "not, 2 when the check could not run.",
    )
    parser.add_argument("--month", default="2026-10", help="reporting period (default: %(default)s)")
    parser.add_argument("--start", default="2026-09-03", help="first generated day (default: %(default)s)")
    parser.add_argument("--days", type=int, default=60, help="generated days (default: %(default)s)")
    parser.add_argument("--scale", type=float, default=0.001, help="generator scale (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default: %(default)s)")
    parser.add_argument("--work", type=Path,
                        help="work folder, new or empty (default: a new temporary folder, removed at the end "
                             "unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--pmr", type=Path, default=PROJECT_DIR / ".venv" / "bin" / "pmr",
                        help="the project's pmr command, with DuckDB (default: .venv/bin/pmr)")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE,
                        help="largest relative difference of a figure (default: %(default)s)")
    return parser


# --- 1. DuckDB ------------------------------------------------------------------------

def run_pmr(pmr: Path, args: list[str]) -> None:
    progress("pmr " + " ".join(args))
    # pmr reports progress on stderr; its stdout joins it so ours stays the summary.
    code = subprocess.run([str(pmr), *args], cwd=PROJECT_DIR, stdout=sys.stderr).returncode
    if code != 0:
        raise CheckCannotRun(f"pmr {args[0]} exited {code}")


def export_raw(db: Path, folder: Path) -> dict[str, Path]:
    """Every table and view of the `raw` schema as Parquet, one folder per table."""
    locations = {}
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        con.execute("set TimeZone = 'UTC'")
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]
        for name in names:
            location = folder / name
            location.mkdir(parents=True)
            con.execute(f"copy (select * from raw.\"{name}\") to '{location / 'part-0.parquet'}' (format parquet)")
            locations[name] = location
    progress(f"exported {len(locations)} raw tables to Parquet")
    return locations


# --- 2. Spark -------------------------------------------------------------------------

def java_version() -> str:
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or not Path(java).exists():
        raise CheckCannotRun("Spark needs Java 17 (on Debian: apt-get install -y openjdk-17-jre-headless)")
    out = subprocess.run([str(java), "-version"], capture_output=True, text=True)
    return (out.stderr or out.stdout).splitlines()[0] if (out.stderr or out.stdout) else "java"


@dataclass
class DbtStep:
    command: str
    ok: bool
    results: list[dict] = field(default_factory=list)

    def count(self, resource_type: str) -> Counter:
        return Counter(r["status"] for r in self.results if r["unique_id"].split(".")[0] == resource_type)


def _dbt_progress(event) -> None:
    name = event.info.name
    if name in ("LogModelResult", "LogSeedResult") or (
        name == "LogTestResult" and getattr(event.data, "status", "") not in ("pass", "PASS")
    ):
        progress("dbt " + event.info.msg.strip())
    elif name in ("RunResultError", "RunResultFailure", "MainEncounteredError"):
        progress("dbt " + event.info.msg.strip())


def quiet_spark_conf(folder: Path) -> Path:
    """A SPARK_CONF_DIR that keeps the JVM's log to errors and draws no progress bars."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "log4j2.properties").write_text(
        "rootLogger.level = error\n"
        "rootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\n"
        "appender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\n"
        "appender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex\n"
    )
    (folder / "spark-defaults.conf").write_text("spark.ui.showConsoleProgress false\n")
    return folder


def run_dbt(args: list[str], target_path: Path, period: str) -> DbtStep:
    from dbt.cli.main import dbtRunner

    progress("dbt " + " ".join(args) + " --target spark")
    results_file = target_path / "run_results.json"
    results_file.unlink(missing_ok=True)
    command = [*args, "--target", "spark", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
               "--vars", json.dumps({"period": period}), "--quiet"]
    with contextlib.redirect_stdout(sys.stderr):
        outcome = dbtRunner(callbacks=[_dbt_progress]).invoke(command)
    if outcome.exception is not None:
        progress(f"dbt {args[0]} failed: {outcome.exception}")
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    return DbtStep(args[0], bool(outcome.success), results)


def spark_session():
    """The Spark session dbt started, with the settings of the profile's spark target."""
    from pyspark.sql import SparkSession

    if SparkSession._instantiatedSession is None:
        raise CheckCannotRun("dbt started no Spark session")
    spark = SparkSession.builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_raw(spark, locations: dict[str, Path]) -> None:
    spark.sql("create database if not exists raw")
    for name, location in locations.items():
        path = str(location).replace("\\", "\\\\").replace("'", "\\'")
        spark.sql(f"drop table if exists raw.`{name}`")
        spark.sql(f"create table raw.`{name}` using parquet location '{path}'")
    progress(f"registered {len(locations)} Spark tables raw.*")


def collect_spark(spark, manifest: Path, period: str) -> list[dict]:
    """The rows of metrics.pmr_metrics, computed on Spark by pmr.metrics' SQL."""
    from pyspark.sql.types import BooleanType, DoubleType, StringType, StructField, StructType

    if not re.fullmatch(r"\d{4}-\d{2}", period):
        raise CheckCannotRun(f"not a month: {period}")
    models = metric_models(manifest)
    types = {"fractional": BooleanType(), "follow_up_s": DoubleType(), "requests_received_to_s": DoubleType()}
    schema = StructType([StructField(c, types.get(c, StringType())) for c in CATALOGUE_COLUMNS])
    parameters = {r["parameter"]: (float(r["value"]), r["unit"]) for r in spark.sql(
        "select parameter, value, unit from reference.parameters").collect()}
    spark.createDataFrame(catalogue_rows(models, parameters), schema).createOrReplaceTempView(CATALOGUE_VIEW)
    union = union_sql(models)
    undeclared = spark.sql(undeclared_sql(union, CATALOGUE_VIEW)).collect()
    if undeclared:
        raise CheckCannotRun("metric ids returned but not declared: "
                             + ", ".join(f"{r['metric_id']} (in {r['model']})" for r in undeclared))
    rows = [r.asDict() for r in spark.sql(figures_sql(union, CATALOGUE_VIEW, f"'{period}'")).collect()]
    progress(f"collected {len(rows)} figures from {len(models)} metric models on Spark")
    return rows


# --- 3. Comparison --------------------------------------------------------------------

def compare_seeds(spark, db: Path, manifest: Path) -> tuple[list[str], int]:
    """Each seed table on Spark against DuckDB's, row for row (values as text); the names
    of those that differ. A quote or an empty cell in a seed is where dbt-spark's own
    seed loader went wrong (macros/spark__load_csv_rows.sql)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    relations = sorted(f"{n['schema']}.{n['alias'] or n['name']}" for n in nodes if n["resource_type"] == "seed")
    differ = []
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        for relation in relations:
            columns = [r[0] for r in con.execute(f"select * from {relation} limit 0").description]
            select = f"select {', '.join(columns)} from {relation}"
            duck = Counter(tuple(as_csv_text(v) for v in row) for row in con.execute(select).fetchall())
            theirs = Counter(tuple(as_csv_text(v) for v in row) for row in spark.sql(select).collect())
            if duck != theirs:
                differ.append(relation)
                for row in list((duck - theirs).elements())[:3]:
                    progress(f"seed {relation} only in DuckDB: {row}")
                for row in list((theirs - duck).elements())[:3]:
                    progress(f"seed {relation} only on Spark: {row}")
    progress(f"compared {len(relations)} seed tables with DuckDB's: {len(relations) - len(differ)} identical")
    return differ, len(relations)


# --- main -----------------------------------------------------------------------------

def _counts(counter: Counter, statuses: tuple[str, ...]) -> str:
    others = sorted(set(counter) - set(statuses))
    return ", ".join(f"{counter.get(s, 0)} {s}" for s in (*statuses, *others))


def check(args: argparse.Namespace, work: Path) -> int:
    from importlib.metadata import version

    java = java_version()
    landing, out, db = work / "landing", work / "out", work / "duckdb" / "pmr.duckdb"
    spark_dir = work / "spark"
    target_path = spark_dir / "target"
    db.parent.mkdir(parents=True)
    spark_dir.mkdir(parents=True)

    run_pmr(args.pmr, ["generate", "--start", args.start, "--days", str(args.days), "--scale", str(args.scale),
                       "--seed", str(args.seed), "--landing", str(landing)])
    run_pmr(args.pmr, ["run", "--month", args.month, "--landing", str(landing), "--out", str(out), "--db", str(db)])
    metrics_csv = out / args.month / "metrics.csv"
    if not metrics_csv.exists():
        raise CheckCannotRun(f"pmr run published no {metrics_csv.name}")
    locations = export_raw(db, work / "parquet")

    # dbt runs in this process, so its Spark session (and the embedded metastore, which
    # one JVM at a time may open) is the one that registers the raw tables and collects.
    os.environ.update({
        "DBT_TARGET_PATH": str(target_path),
        "DBT_LOG_PATH": str(spark_dir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "PMR_SPARK_WAREHOUSE": str(spark_dir / "warehouse"),
        "PMR_SPARK_METASTORE": str(spark_dir / "metastore_db"),
        "SPARK_CONF_DIR": str(quiet_spark_conf(spark_dir / "conf")),
    })
    os.chdir(spark_dir)  # derby.log and anything else Spark writes beside it
    seed = run_dbt(["seed"], target_path, args.month)
    spark = spark_session()
    seeds_differ, seed_tables = compare_seeds(spark, db, target_path / "manifest.json")
    register_raw(spark, locations)
    build = run_dbt(["build", "--exclude-resource-type", "unit_test", "--exclude", "tag:duckdb_only"],
                    target_path, args.month)
    rows = collect_spark(spark, target_path / "manifest.json", args.month) if build.results else []
    comparison = compare(metrics_csv, rows, args.tolerance)

    seeds, rebuilt_seeds = seed.count("seed"), build.count("seed")
    models, tests = build.count("model"), build.count("test")
    for line in comparison.different[:20]:
        progress("different: " + line)
    for side, keys in (("only in DuckDB", comparison.only_duckdb), ("only on Spark", comparison.only_spark),
                       ("key twice", comparison.duplicated)):
        for key in keys[:20]:
            progress(f"{side}: " + " ".join(k for k in key if k))
    failed = (not seed.ok or not build.ok or seeds_differ or set(seeds) - {"success"}
              or set(rebuilt_seeds) - {"success"} or set(models) - {"success"}
              or set(tests) - {"pass", "warn"} or not build.results or not comparison.ok)
    print(f"spark-check {args.month}: pyspark {version('pyspark')}, dbt-spark {version('dbt-spark')}, "
          f"dbt-core {version('dbt-core')}, {java}")
    print(f"seeds:   dbt seed {_counts(seeds, ('success', 'error'))}; dbt build {_counts(rebuilt_seeds, ('success', 'error'))}; "
          f"{seed_tables - len(seeds_differ)} of {seed_tables} tables identical to DuckDB's")
    print(f"models:  {_counts(models, ('success', 'error', 'skipped'))}")
    print(f"tests:   {_counts(tests, ('pass', 'fail', 'error', 'warn', 'skipped'))}")
    print(f"figures: {comparison.duckdb_rows} in DuckDB's metrics.csv, {comparison.spark_rows} on Spark; "
          f"{comparison.compared} compared: {comparison.identical} identical, {comparison.within} within "
          f"{args.tolerance:g} (relative), {len(comparison.different)} different; "
          f"{len(comparison.only_duckdb)} only in DuckDB, {len(comparison.only_spark)} only on Spark")
    print(f"largest relative difference: {comparison.largest:.2e}"
          + (f" ({comparison.largest_at})" if comparison.largest_at else ""))
    print(f"result: {'FAILED' if failed else 'OK'} in {time.perf_counter() - _STARTED:.0f}s")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.pmr = args.pmr.resolve()
    if args.work is not None:
        work = args.work.resolve()
        if work.exists() and any(work.iterdir()):
            print(f"--work {work}: choose a new or empty folder", file=sys.stderr)
            return 2
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="pmr-spark-check-"))
    progress(f"work folder {work}")
    try:
        return check(args, work)
    except CheckCannotRun as error:
        progress(f"spark-check could not run: {error}")
        return 2
    finally:
        os.chdir(PROJECT_DIR)
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            progress(f"kept {work}")


if __name__ == "__main__":
    sys.exit(main())
