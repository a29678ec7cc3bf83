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
