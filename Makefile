# The open PMR warehouse. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_LANDING ?= landing/demo
DEMO_OUT ?= out
DEMO_MONTH ?= 2026-10
# Four weeks of history before the month feed the install forecast (IC1); the 11 days after it
# bring the data its figures look for past the month (follow_up in the metric YAML).
DEMO_START ?= 2026-09-03
DEMO_DAYS ?= 70
DEMO_SCALE ?= 0.001
DEMO_SEED ?= 42
# A few contract-breaking rows on one day, so the demo's quality.csv shows the quarantine at work
DEMO_FAULTS_DAY ?= 2026-10-15

.PHONY: install demo test bench dagster screenshot clean spark-check

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(BIN)/pmr generate --start $(DEMO_START) --days $(DEMO_DAYS) --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --landing $(DEMO_LANDING)
	$(BIN)/pmr inject-faults --landing $(DEMO_LANDING) --day $(DEMO_FAULTS_DAY)
	$(BIN)/pmr run --month $(DEMO_MONTH) --landing $(DEMO_LANDING) --out $(DEMO_OUT)

# One test worker per core (pytest-xdist), each test module on one worker so its
# module-scoped warehouses are built once, and the modules sharing a session-scoped one
# on the same worker (tests/conftest.py): 1.45x faster on 2 cores when measured. The
# whole suite takes 11-24 minutes on two cores (this machine's speed varies by a third
# from hour to hour), most of it in dbt builds (about 20-45 s each), with both cores busy.
# The slowest tests are listed at the end, to see where the time goes.
test: install
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=15

bench: install
	$(BIN)/python -m pmr.bench

# The dbt project on Spark: a synthetic month built by pmr run on DuckDB, then seeded and
# built by dbt-spark (session method, needs Java 17) over the same raw tables, every
# figure compared with DuckDB's metrics.csv (pmr/spark_check.py). A few minutes; not in `make test`.
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed
SPARK_CHECK_ARGS ?=

$(SPARK_STAMP): requirements-spark.txt
	@test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/python -m pip install --quiet -r requirements-spark.txt
	@touch $(SPARK_STAMP)

spark-check: install $(SPARK_STAMP)
	$(SPARK_VENV)/bin/python -m pmr.spark_check --pmr $(BIN)/pmr --month $(DEMO_MONTH) --start $(DEMO_START) \
		--days $(DEMO_DAYS) --scale $(DEMO_SCALE) --seed $(DEMO_SEED) $(SPARK_CHECK_ARGS)

# The instance lives in .dagster/ (runs, schedules, sensors); its settings allow one
# run and one warehouse step at a time (orchestration/dagster.yaml).
# A shell script's background job starts with SIGINT ignored, and Dagster, which stops on
# SIGTERM as on SIGINT, would then ignore SIGTERM too: the default is put back before it starts.
DAGSTER_PORT ?= 3000
dagster: install
	mkdir -p .dagster && cp orchestration/dagster.yaml .dagster/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/python -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' $(BIN)/dagster dev -p $(DAGSTER_PORT)

# Only what make and the demo create: landing files and published reports of your own stay.
# dbt's target folder is warehouse/pmr.dbt-target (pmr/dbt_runner.py); target and logs come
# from running dbt by hand. landing/ goes only when the demo was all it held (rmdir).
clean:
	rm -rf $(VENV) $(SPARK_VENV) pmr_warehouse.egg-info target logs warehouse $(DEMO_LANDING) $(DEMO_LANDING).ground_truth.json $(DEMO_LANDING).faults.json bench-data .dagster
	@rmdir landing 2>/dev/null || true

screenshot: install
	$(BIN)/python -m reports.browser $(DEMO_OUT)/$(DEMO_MONTH)/pmr.html --screenshot $(DEMO_OUT)/$(DEMO_MONTH)-screenshot.png
