"""``drillctl history --format json``: the drillctl.history envelope on the fixture runs, and the
0.1.0 spelling ``--format table`` still listing (with a deprecation warning)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from state_dirs import own_project, with_every_fixture_run
from typer.testing import CliRunner, Result

from drillctl.cli.app import app


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Our own drillctl.toml in the current directory, no DRILLCTL_* from outside."""
    return own_project(tmp_path, monkeypatch)


@pytest.fixture
def state(here: Path) -> Path:
    """Every fixture run in a state dir, indexed."""
    state_dir = with_every_fixture_run(here / "state")
    assert drillctl(state_dir, "history", "rebuild").exit_code == 0
    return state_dir


def drillctl(state: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--state-dir", str(state), *args], env={"COLUMNS": "200"})


def envelope(state: Path, *args: str) -> dict[str, Any]:
    done = drillctl(state, "history", "--format", "json", *args)
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout))


def test_the_envelope_has_every_run_and_the_filters(state: Path) -> None:
    found = envelope(state, "--operator", "alice", "--limit", "5")
    assert (found["schema_version"], found["kind"]) == (1, "drillctl.history")
    assert found["filters"] == {"operator": "alice", "limit": 5}
    [run] = found["runs"]
    assert run["run_id"] == "20260303-140000-ws-handshake-storm-c41e"
    assert (run["scenario"], run["operator"]) == ("ws-handshake-storm", "alice")
    assert run["hypothesis_s"] == 135.0  # the table's "2m15s"


def test_since_is_an_iso_time_in_the_filters(state: Path) -> None:
    found = envelope(state, "--since", "2026-03-07")
    assert found["filters"]["since"] == "2026-03-07T00:00:00+00:00"
    assert all(r["started_at"] >= "2026-03-07" for r in found["runs"])
    assert found["runs"], "a fixture run started after 2026-03-07"


def test_an_empty_index_is_an_empty_list_not_a_sentence(here: Path) -> None:
    found = envelope(here / "empty-state")
    assert found["runs"] == [] and found["filters"] == {"limit": 20}


def test_format_table_still_lists_with_a_deprecation_warning(state: Path) -> None:
    done = drillctl(state, "history", "--format", "table")
    assert done.exit_code == 0
    assert "20260302-100000-bullmq-backpressure-7f3a" in done.stdout
    assert "--format table is deprecated" in done.stderr and "--format text" in done.stderr
    assert "deprecated" not in drillctl(state, "history", "--format", "text").stderr
