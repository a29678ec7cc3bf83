"""``drillctl history``: list with filters, export/import round trip, rebuild from run dirs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from state_dirs import own_project, with_every_fixture_run
from typer.testing import CliRunner, Result

from drillctl.cli.app import app
from drillctl.cli.history_cmd import parse_since
from drillctl.core.errors import DrillError


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return with_every_fixture_run(own_project(tmp_path, monkeypatch) / "state")


def drillctl(state: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--state-dir", str(state), *args], env={"COLUMNS": "200"})


def test_empty_history_says_how_to_fill_it(state: Path) -> None:
    result = drillctl(state, "history")
    assert result.exit_code == 0
    assert "no runs recorded" in result.stdout and "history rebuild" in result.stdout


def test_rebuild_then_list_with_filters(state: Path) -> None:
    rebuilt = drillctl(state, "history", "rebuild")
    assert rebuilt.exit_code == 0 and "indexed 7 runs" in rebuilt.stdout
    listing = drillctl(state, "history")
    assert listing.exit_code == 0
    assert "20260302-100000-bullmq-backpressure-7f3a" in listing.stdout
    alice = drillctl(state, "history", "--operator", "alice").stdout
    assert "20260303-140000-ws-handshake-storm-c41e" in alice and "bullmq" not in alice
    assert "2m15s" in alice  # alice's time to hypothesis
    passed = drillctl(
        state, "history", "--scenario", "bullmq-backpressure", "--result", "passed"
    ).stdout
    assert "7f3a" in passed and "5e19" in passed and "22c8" not in passed  # not-steady filtered out
    recent = drillctl(state, "history", "--since", "2026-03-07", "--limit", "1").stdout
    assert "5e19" in recent and "22c8" not in recent


def test_export_import_round_trip(state: Path, tmp_path: Path) -> None:
    assert drillctl(state, "history", "rebuild").exit_code == 0
    file = tmp_path / "artefacts" / "history.jsonl"
    exported = drillctl(state, "history", "export", str(file))
    assert exported.exit_code == 0 and "exported 7 runs" in exported.stdout
    assert len(file.read_text().splitlines()) == 7
    fresh = tmp_path / "fresh-clone-state"
    imported = drillctl(fresh, "history", "import", str(file))
    assert imported.exit_code == 0 and "imported 7 runs" in imported.stdout
    again = tmp_path / "again.jsonl"
    assert drillctl(fresh, "history", "export", str(again)).exit_code == 0
    assert [json.loads(x) for x in again.read_text().splitlines()] == [
        json.loads(x) for x in file.read_text().splitlines()
    ]


def test_import_of_a_bad_file_is_a_clear_error(state: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    result = drillctl(state, "history", "import", str(bad))
    assert result.exit_code == 2
    assert "bad.jsonl:1: not a history record" in result.stderr and "Traceback" not in result.output


def test_since_accepts_relative_and_iso_times() -> None:
    now = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_since("24h", now) == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    assert parse_since("2026-03-05", now) == datetime(2026, 3, 5, tzinfo=UTC)
    with pytest.raises(DrillError, match="--since"):
        parse_since("last tuesday", now)
