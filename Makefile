# usalama — the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV := python3 -m uv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install bytecode java-runtime demo test lint typecheck importlint test-sqlite test-postgres test-browser test-spark messages clean

install: $(VENV)/.installed node_modules/.installed java-runtime bytecode

$(VENV)/.installed: pyproject.toml uv.lock
	@echo "==> [1/2] Python packages (uv sync --frozen)"
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@echo "    The first install compiles PyICU from source (no wheel exists; FollowTheMoney's"
	@echo "    name transliteration needs it): about 3 minutes with no output - it is not stuck."
	@echo "    It needs libicu-dev, pkg-config and a C++ compiler; later installs reuse uv's cache."
	@start=$$(date +%s); $(UV) sync --frozen --compile-bytecode && echo "    done in $$(( $$(date +%s) - start )) s"
	@touch $@

# Our own sources compiled ahead too (quick when nothing changed). Python reads compiled files
# even where PYTHONDONTWRITEBYTECODE forbids writing them (CI machines set it): without them
# every process compiles what it imports, 10 s before each `usalama` command, server or test
# worker can start (Django and the engines' libraries: 18 s against 8 s).
bytecode: $(VENV)/.installed
	@$(BIN)/python -m compileall -q -j 0 src

node_modules/.installed: package.json package-lock.json
	@echo "==> [2/2] Browser assets (npm ci, served from node_modules: no CDN)"
	npm ci --no-audit --no-fund
	@touch $@

# Spark (resolve --engine spark, the money engine on Spark, make test's Spark tests) runs on
# the JVM. Installed here when missing and we are root with apt; never fatal, because the
# demo and everything else run without Java (pyspark is imported only when Spark is used).
java-runtime:
	@if command -v java >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "==> Java runtime for Spark (apt-get install openjdk-17-jre-headless)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
	    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless; } \
	    || echo "    could not install Java: the Spark engine and its tests will not run (the demo does not need it)"; \
	else \
	  echo "    No Java runtime found. The Spark engine (usalama resolve --engine spark) and the Spark"; \
	  echo "    tests of make test need one: sudo apt-get install openjdk-17-jre-headless (Java 17+)."; \
	  echo "    make demo does not need Java."; \
	fi

demo: install
	$(BIN)/usalama demo

test: install lint typecheck importlint test-sqlite test-postgres test-browser test-spark
	@echo "make test: every check passed"

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy

importlint: install
	$(BIN)/lint-imports --no-cache

# Two pytest workers (pytest-xdist): the suite is mostly database- and subprocess-bound, and CI
# has two cores. Each worker gets its own SQLite/PostgreSQL test database.
test-sqlite: install
	$(BIN)/pytest -m "not browser and not spark" -q -n 2

# The Spark engine's agreement tests (tests/spark, marker spark): one pytest process, so one
# JVM in local[2] mode, after the SQLite suite rather than beside it (a JVM sharing CI's two
# cores with the other worker slowed both). They train on Spark once and otherwise score
# one trained model on both engines, to stay within a few minutes. Only tests/spark is
# collected (the whole suite's collection alone costs 20-40 s): Spark tests live there.
test-spark: install
	$(BIN)/pytest -m spark -q tests/spark

test-postgres: install
	scripts/test-postgres

test-browser: install
	scripts/ensure-chromium
	$(BIN)/pytest -m browser -q -p no:randomly

messages: install
	cd src/usalama && ../../$(BIN)/django-admin makemessages -l sw --no-obsolete
	$(BIN)/python scripts/fill_translations.py
	cd src/usalama && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
