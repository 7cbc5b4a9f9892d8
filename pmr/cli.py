"""The `pmr` command line. `pmr --help` and `pmr <command> --help` describe each command."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

import duckdb

from pmr import cli_arguments as arguments
from pmr import stops
from pmr.ad_hoc import SHOWN_ROWS, cmd_sql
from pmr.figure_diff import add_diff_command
from pmr.project_check import cmd_check
from pmr.run_history import cmd_runs
from pmr.warehouse import MachineLimit, WarehouseLocked, db_path, machine_limit

_STARTED = time.perf_counter()


class _Parser(argparse.ArgumentParser):
    """Bad arguments exit 1, like any other bad input: exit 2 means the publication
    gate blocked a run (argparse's own default is 2)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def cmd_generate(args: argparse.Namespace) -> int:
    from pmr.faults import FAULTS_SUFFIX
    from pmr.generator import check_request, generate
    from pmr.generator.writer import day_files
    from pmr.ingest import landing_files

    try:
        check_request(args.start, args.days, args.scale, args.format, args.landing)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.landing.is_dir():
        existing = landing_files(args.landing)
        if existing:
            days = {args.start + dt.timedelta(days=i) for i in range(args.days)}
            replaced = sum(len(paths) for day, paths in day_files(args.landing).items() if day in days)
            fault_names = {f"{day.isoformat()}{FAULTS_SUFFIX}" for day in days}
            faults = sum(path.name in fault_names for _, path in existing)
            faults_note = (f", {faults} faults file(s) of those days are removed (pmr inject-faults writes "
                           "them again)" if faults else "")
            print(f"warning: {args.landing} already holds {len(existing)} landing files: {replaced} of them are of "
                  f"the generated days and are replaced (whatever their format: .parquet, .csv, .csv.gz)"
                  f"{faults_note}, the other {len(existing) - replaced - faults} stay and will be read with them",
                  file=sys.stderr)

    try:
        with stops.interrupted_queries_as_stops():
            summary = generate(start=args.start, days=args.days, scale=args.scale, seed=args.seed,
                               landing=args.landing, fmt=args.format, progress=progress)
    except (KeyboardInterrupt, stops.Terminated, duckdb.Error, OSError) as error:
        stop = machine_limit(error, "pmr generate")
        if stop:
            print(f"error: {stop}", file=sys.stderr)
        print(f"stopped: {args.landing} holds the days written before the stop, the last of them perhaps in part "
              "(its requests without their responses): run the same pmr generate again to write them whole",
              file=sys.stderr)
        if stop:
            return 1
        raise
    rows = summary["rows"]
    print(f"wrote {sum(rows.values()):,} rows to {args.landing} in {summary['seconds']:.1f} s "
          f"({summary['request_rows_per_s']:,.0f} service requests/s)")
    for source, count in rows.items():
        print(f"  {source:20} {count:>14,}")
    if summary["resent"]:
        print(f"  and {len(summary['resent'])} files delivered twice (exact copies, *.resent.*: "
              f"{sum(summary['resent'].values()):,} duplicate rows)")
    if summary["alerts_sent_later"]:
        print(f"  and {summary['alerts_sent_later']:,} alerts sent after the end of their day: unsent in that day's "
              "file, sent in the next day's")
    print(f"ground truth: {summary['ground_truth']}")
    for warning in summary["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_inject_faults(args: argparse.Namespace) -> int:
    from pmr.faults import faults_record_path, inject_faults

    try:
        record = inject_faults(args.landing, args.day)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for file, reasons in record["files"].items():
        count = sum(reasons.values())
        print(f"{file}: {count} faulty row{'' if count == 1 else 's'} ({', '.join(reasons)})")
    for source, why in record["not_injected"].items():
        print(f"{source}: none ({why})")
    print(f"record: {faults_record_path(args.landing)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from pmr.metric_declarations import MetricDefinitionError
    from pmr.pipeline import PublicationBlocked, run_month
    from pmr.run_refusals import RunRefused

    try:
        link = run_month(args.month, args.landing, args.out, db=db_path(args.db), progress=progress,
                         full_refresh=args.full_refresh, allow_missing_days=args.allow_missing_days)
    except PublicationBlocked as blocked:
        print(f"NOT PUBLISHED: {blocked}", file=sys.stderr)
        print(f"run log: {blocked.run_folder / 'run-log.json'}", file=sys.stderr)
        if blocked.quality:
            print(f"rows read, accepted and quarantined per file: {blocked.quality}", file=sys.stderr)
        return 2
    except RunRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    except MetricDefinitionError as error:
        print(f"NOT PUBLISHED: {error.summary}: {error}", file=sys.stderr)
        return _with_run_log(error, 1)
    except (FileNotFoundError, MachineLimit) as error:
        print(f"error: {error}", file=sys.stderr)
        return _with_run_log(error, 1)
    except (duckdb.Error, OSError) as error:  # outside a step of the run log, which says the same
        stop = machine_limit(error)
        if not stop:
            raise
        print(f"error: {stop}", file=sys.stderr)
        return _with_run_log(error, 1)
    print(f"published {args.month}: {link}/")
    for name in sorted(p.name for p in link.iterdir()):
        print(f"  {link / name}")
    return 0


def _with_run_log(error: BaseException, code: int) -> int:
    """Say where the failed run's log is, when the run got as far as writing one."""
    if getattr(error, "run_log", None):
        print(f"run log: {error.run_log}", file=sys.stderr)
    return code


def cmd_deadline(args: argparse.Namespace) -> int:
    from pmr.calendar import deadline

    try:
        print(deadline(args.month).isoformat())
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_holidays(args: argparse.Namespace) -> int:
    from pmr.calendar import HOLIDAY_SEED, write_holiday_seed

    try:
        count = write_holiday_seed(args.first_year, args.last_year)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {count} England and Wales bank holidays to {HOLIDAY_SEED}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from pmr.calendar import FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR

    parser = _Parser(
        prog="pmr",
        description="The open PMR warehouse: DCC operational extracts to the MP122 Performance Measurement Report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser(
        "generate", help="write synthetic extracts in the landing contract",
        description="Write realistic synthetic extracts for all seven sources into a landing folder, one file "
        "per source and UK day, plus a ground-truth file of injected events beside it. As the landing contract allows, "
        "incidents and outages are delivered again on each day they change, an alert sent after the end of its day "
        "again the next day, and a few days' response files are delivered twice (*.resent.*). Same arguments, same "
        "bytes; another --start or --days draws other data for the same days (to cut a landing short, copy it "
        "and delete its later days' files). "
        "Days from 2000 to 2045 (the years a landing timestamp may take). It says first how much it will write "
        "(about 1.75 GB of Parquet or 9.8 GB of CSV a day at scale 1.0) and refuses, before writing anything, a call "
        "whose files would not fit in the free space of the landing folder's disk. Exit code 130 or 143 when "
        "stopped by Ctrl-C or SIGTERM: the days written before the stop stay, the last perhaps in part; run the "
        "same call again.",
        epilog="Into a folder that already holds landing files: the files of the generated days are replaced, "
        "whatever their format (.parquet, .csv, .csv.gz), and their faults files of pmr inject-faults removed; "
        "other days' files stay, with a warning. The ground truth is merged to describe every day of the folder: "
        "an entry belongs to the UK day of its start, those of the generated days are replaced, drops and storms "
        "of other days that ran into them are cut, and generated_by names the call behind each day. What a day "
        "delivers late (a late response, an alert sent after midnight) is in the file of a later day of the same "
        "call only: days already in the folder after the generated ones keep what the earlier call delivered "
        "late for them, with a warning.",
    )
    generate.add_argument("--start", type=arguments.date, required=True, help="first UK day, YYYY-MM-DD")
    generate.add_argument("--days", type=arguments.positive_int, required=True, help="number of days")
    generate.add_argument("--scale", type=arguments.positive_float, default=0.001,
                          help="1.0 = national volume (about 17M requests and 50M alerts a day); default 0.001")
    generate.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    generate.add_argument("--landing", type=arguments.path, required=True, help="landing folder to write")
    generate.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                          help="file format (default parquet)")
    generate.set_defaults(handler=cmd_generate)

    faults = commands.add_parser(
        "inject-faults", help="add contract-breaking rows to a landing folder, to watch the quarantine",
        description="For one UK day, write <source>/<DAY>.faults.csv beside each source's file of that day: "
        "copies of a few of its rows, each broken in one way the landing contract forbids (a missing required "
        "value, an unreadable timestamp, an unknown code or region, an end before its start, a response before "
        "its request, one id with two contents). Faulty rows have ids of their own, so no valid row and no "
        "figure changes; pmr run quarantines them with their reasons (quality.csv). At most 0.1% of a "
        "source's rows (faults of other days included), so the publication gate still passes: a source with "
        "fewer than 1,000 rows gets none. "
        "What was injected is recorded beside the landing folder as <name>.faults.json. Run it after pmr "
        "generate; running it again for the same day replaces that day's faults.",
    )
    faults.add_argument("--landing", type=arguments.path, required=True, help="landing folder holding the day's files")
    faults.add_argument("--day", type=arguments.date, required=True, help="UK day whose files are copied, YYYY-MM-DD")
    faults.set_defaults(handler=cmd_inject_faults)

    run = commands.add_parser(
        "run", help="build a month and publish its report",
        description="Ingest the landing folder, build the warehouse for MONTH with dbt, run the publication "
        "gate and, if every blocking check passes, publish <out>/<MONTH>/ atomically. Exit code 0 when "
        "published; 1 for bad input, or when DuckDB runs out of the memory PMR_MEMORY_LIMIT gives it, or a disk "
        "the run writes to is full (the message says what to change); 2 when the gate blocks publication (the "
        "previous report is left as it was); 3 when another process holds the warehouse, or another run used it "
        "between two steps of this one (nothing is published: run the month again when the other run has "
        "finished); 130 or 143 when stopped by Ctrl-C or SIGTERM (dbt is stopped too, and the run log, whose "
        "path is printed, says so).",
    )
    run.add_argument("--month", type=arguments.month, required=True, help="reporting period, YYYY-MM (UK local time)")
    run.add_argument("--landing", type=arguments.path, required=True, help="landing folder (docs/landing-contract.md)")
    run.add_argument("--out", type=arguments.path, required=True, help="folder that receives <MONTH>/")
    run.add_argument("--db", type=arguments.path,
                     help="warehouse DuckDB file (default $PMR_DB or warehouse/pmr.duckdb)")
    run.add_argument("--full-refresh", action="store_true",
                     help="read every landing file again and rebuild from all of them, even when only new files "
                          "arrived since the last build (by default such a build is incremental: "
                          "docs/incremental-builds.md)")
    run.add_argument("--allow-missing-days", action="store_true",
                     help="publish even when a day of the month has no service requests, responses or alerts "
                          "(by default that blocks publication: an extract did not land); the days are listed "
                          "in an \"Incomplete month\" notice at the top of the report and among the gate's warnings")
    run.set_defaults(handler=cmd_run)

    check = commands.add_parser(
        "check", help="check the metric declarations and the dbt project, without data",
        description="Check what an analyst adding or changing a metric can get wrong before any data is read: "
        "the metric declarations of models/metrics/ (docs/adding-a-metric.md: pmr_metrics, ids, kinds, units, "
        "requirements, service levels and their units, follow_up parameters, windows named in titles, no unknown "
        "key), the files of seeds/ (UTF-8, their columns, each value of its column's type), that no model reads "
        "the clock or chance, takes a UTC timestamp's day (figures are by UK day) or has a period's dates written "
        "in (pmr/sql_rules.py), that every metric id is on a page of docs/metrics/ and its family in "
        "docs/metrics.md, that the SQL uses nothing DuckDB-only outside the dispatched macros "
        "(docs/portability.md: the models must also build on Spark), and that dbt builds the project on an "
        "empty warehouse (refs, sources, macros, Jinja, YAML, every column a model reads, and the columns of a "
        "metric model), in a full build and then in an incremental one (docs/incremental-builds.md), that no "
        "model's result depends on the order rows arrive in (a sum or mean of doubles, a first value, list or "
        "LIMIT without an ORDER BY, an arg_min whose key can tie; pmr/order_dependence.py), then the "
        "tests of the reference tables of seeds/ with the rows at fault (a key twice, a level or a TRT that breaks "
        "its rule). Exit code 1 names the problem. Takes 20-35 seconds, the first check of a checkout the "
        "slowest (later ones start from the last one's parse of the project); "
        "pmr run makes the same declaration checks before it starts.",
    )
    check.set_defaults(handler=cmd_check)

    deadline = commands.add_parser(
        "deadline", help="print the 10-Working-Day publication deadline of a month",
        description="Print the due date (YYYY-MM-DD) of MONTH's report: the end of the 10th Working Day after "
        "the month ends, skipping weekends and the England and Wales bank holidays of seeds/uk_bank_holidays.csv.",
    )
    deadline.add_argument("month", type=arguments.month, help="reporting period, YYYY-MM")
    deadline.set_defaults(handler=cmd_deadline)

    runs = commands.add_parser(
        "runs", help="list a month's runs and which one is published",
        description="List the runs of MONTH kept under <out>/.runs/MONTH/, oldest first, as their run logs "
        "tell them: when each started, by pmr run or Dagster, published, blocked (by which checks) or failed (in "
        "which step), with final or provisional figures, the definitions commit, and which one <out>/MONTH shows. "
        "Every earlier version of a published report stays there. Exit code 1 when the month has no runs.",
    )
    runs.add_argument("--month", type=arguments.month, required=True, help="reporting period, YYYY-MM")
    runs.add_argument("--out", type=arguments.path, required=True, help="the folder pmr run published into")
    runs.set_defaults(handler=cmd_runs)

    sql = commands.add_parser(
        "sql", help="run one read-only query on the warehouse",
        description="Run one SQL query (DuckDB's dialect) on the warehouse, opened read-only, and print the "
        f"first {SHOWN_ROWS} rows as a table (it says how many there are, reading the whole result: add a limit "
        "to peek at a large table), or every row as CSV with --csv; a statement without rows (SET, COPY) prints "
        "nothing. It reads the warehouse's reading copy (reading-copy/ beside the warehouse file), the warehouse "
        "as the last run that built its month's figures left it, which a query may read while the next run "
        "builds; --live reads the warehouse itself. "
        "The schemas are in the README (\"Asking your "
        "own questions\"); a table may be named without its schema (fct_alerts for marts.fct_alerts) and show "
        "tables lists them; every table and column carries its description: select table_name, column_name, "
        "comment from duckdb_columns() where schema_name = 'marts'. Times are UTC. Exit code 1 for a query "
        "DuckDB refuses (its message follows), more or less than one statement, or a warehouse that does not "
        "exist; 3 while a run holds the "
        "warehouse (with --live, or before any run has made the reading copy); 141 when the reader of its output "
        "stops reading (| head), as for a shell command.",
    )
    sql.add_argument("query", nargs="+", help="the SQL, quoted as one argument")
    sql.add_argument("--db", type=arguments.path,
                     help="warehouse DuckDB file (default $PMR_DB or warehouse/pmr.duckdb)")
    sql.add_argument("--csv", action="store_true", help="write every row as CSV (a header line, then the rows)")
    sql.add_argument("--live", action="store_true",
                     help="read the warehouse itself, not its reading copy (the build of the last run that made "
                          "one): it cannot be read while a run is writing it")
    sql.set_defaults(handler=cmd_sql)

    add_diff_command(commands, arguments.path)

    holidays = commands.add_parser(
        "holidays", help="regenerate the bank-holiday seed from the holidays package",
        description="Rewrite seeds/uk_bank_holidays.csv (England and Wales) from the holidays package. "
        "Review the diff: the seed is the calendar every Working Day figure uses.",
    )
    holidays.add_argument("--first-year", type=int, default=FIRST_CALENDAR_YEAR,
                          help=f"first year of the seed (default and earliest {FIRST_CALENDAR_YEAR})")
    holidays.add_argument("--last-year", type=int, default=LAST_CALENDAR_YEAR,
                          help=f"last year of the seed (default and latest {LAST_CALENDAR_YEAR})")
    holidays.set_defaults(handler=cmd_holidays)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with stops.handled():
        return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    try:
        with stops.interrupted_queries_as_stops():
            return args.handler(args)
    except stops.Terminated as stopped:
        print("terminated", file=sys.stderr)
        return _with_run_log(stopped, 143)
    except WarehouseLocked as locked:
        print(f"error: {locked}", file=sys.stderr)
        return _with_run_log(locked, 3)
    except BrokenPipeError:
        # the reader stopped reading (`pmr sql ... | head`): stop quietly, as a shell
        # command killed by SIGPIPE does, not with an error about the pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (OSError, duckdb.IOException) as error:  # a path that is not a folder, a file that is not a warehouse
        notes = "".join(f" ({note})" for note in getattr(error, "__notes__", []))
        print(f"error: {str(error).splitlines()[0]}{notes}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stopped:
        print("interrupted", file=sys.stderr)
        return _with_run_log(stopped, 130)


if __name__ == "__main__":
    sys.exit(main())
