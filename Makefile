# The two commands a newcomer types: `make demo` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-stamp

.PHONY: demo test test-unit test-lab venv dev-venv lab-prereqs lint static clean fuzz dist

# drillctl and what the lab's set-up needs (the `lab` extra): all `make demo` installs.
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[lab]'
	touch $(STAMP)

# The test, lint and docs tools on top (half of the install's time): what `make test` adds.
$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,docs]'
	$(BIN)/pip install --quiet -e tests/plugins/drillctl-example-fault  # a third-party fault type, for the entry-point test
	touch $(DEV_STAMP)

venv: $(STAMP)

dev-venv: $(DEV_STAMP)

# Docker engine, Compose v2 plugin, debian:bookworm-slim base image and the wheelhouse for lab images.
lab-prereqs: venv
	scripts/lab-prereqs.sh

# The lab with smoke traffic, then one unattended drill; drillctl prints the Slack timeline at the end
# (the report files are in compose/.drillctl/runs/<run-id>/).
demo: lab-prereqs
	$(BIN)/drillctl lab up --smoke
	$(BIN)/drillctl run bullmq-backpressure --non-interactive

# The static checks first (seconds), so a broken layer or type fails before the long pytest; then
# the compose lab session, then the swarm lab session (the compose lab is down by then).
test: dev-venv lab-prereqs
	$(MAKE) --no-print-directory static
	$(BIN)/pytest && $(BIN)/pytest tests/lab_swarm

test-unit: dev-venv
	$(BIN)/pytest -m 'not lab'

# The property-based suite (tests/property/) with many random examples instead of `make test`'s
# few derandomized ones; a failure prints the example and the seed that replays it.
fuzz: dev-venv
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/property -p no:cacheprovider --hypothesis-show-statistics -q

lint: dev-venv static

# ruff, mypy and the import contracts of pyproject.toml (the layers of docs/architecture.md)
static: dev-venv
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache compose/.wheels dist

# The release artefacts: wheel and sdist in dist/, checked by twine. `make test` proves the wheel
# installs and runs outside the clone (tests/unit/test_dist.py builds its own into a tmp dir).
dist: dev-venv
	rm -rf dist
	$(BIN)/python -m build --quiet --outdir dist .
	$(BIN)/twine check --strict dist/*

# The four seed drills in a row, unattended, on a lab of their own (--lab: up first, down at the
# end). `make test` already proves them on the session lab (tests/lab/test_suite_all.py); this is
# the same suite by hand, with the same CI cut of each drill (tests/lab/ci-cut.args: no spaces inside
# an argument, so the shell's word splitting reads it).
.PHONY: test-suite
test-suite: lab-prereqs
	$(BIN)/drillctl suite --all --lab $$(cat tests/lab/ci-cut.args) --junit .drillctl/suite-junit.xml --json .drillctl/suite.json

# The nightly's swarm half: every seed drill that applies to a stack, and replica-loss, on the lab
# deployed as a swarm stack (docs/swarm.md). signin-failure-spike on swarm runs here, not in `make test`.
.PHONY: test-suite-swarm
test-suite-swarm: lab-prereqs
	$(BIN)/drillctl suite --all --lab --swarm $$(cat tests/lab_swarm/ci-cut.args) --set signin-failure-spike:faults[0].duration=60s --junit .drillctl/suite-swarm-junit.xml --json .drillctl/suite-swarm.json
