# The two commands a newcomer types: `make demo` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-unit test-lab venv lab-prereqs lint clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,docs]'
	$(BIN)/pip install --quiet -e tests/plugins/drillctl-example-fault  # a third-party fault type, for the entry-point test
	touch $(STAMP)

venv: $(STAMP)

# Docker engine, Compose v2 plugin, debian:bookworm-slim base image and the wheelhouse for lab images.
lab-prereqs: venv
	scripts/lab-prereqs.sh

# The lab with smoke traffic, then one unattended drill; drillctl prints the Slack timeline at the end
# (the report files are in compose/.drillctl/runs/<run-id>/).
demo: lab-prereqs
	$(BIN)/drillctl lab up --smoke
	$(BIN)/drillctl run bullmq-backpressure --non-interactive

test: lab-prereqs
	$(BIN)/pytest

test-unit: venv
	$(BIN)/pytest -m 'not lab'

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache compose/.wheels

# The four seed drills in a row, unattended, on a lab of their own (--lab: up first, down at the
# end). `make test` already proves them on the session lab (tests/lab/test_suite_all.py); this is
# the same suite by hand. SUITE_SETS is the CI cut of each drill (see tests/lab/test_suite_all.py).
SUITE_UP := expect.invariants[0].query=min(max_over_time(up{job="ebit-api"}[10s]))
SUITE_SETS := --set baseline=10s --set 'faults[0].duration=20s' \
	--set 'signin-failure-spike:faults[0].duration=60s' \
	--set 'redis-cache-flush:signals[0].symptom.tolerance=0.5' \
	--set 'redis-cache-flush:expect.recovered_within=5m' --set 'redis-cache-flush:recovery.timeout=5m' \
	--set 'redis-cache-flush:$(SUITE_UP)' \
	--set 'ws-handshake-storm:faults[0].rate=60' --set 'ws-handshake-storm:$(SUITE_UP)'
.PHONY: test-suite
test-suite: lab-prereqs
	$(BIN)/drillctl suite --all --lab $(SUITE_SETS) --junit .drillctl/suite-junit.xml --json .drillctl/suite.json
