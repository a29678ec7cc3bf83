"""``drillctl report --format json``: the report.json envelope, from the CLI and from
``commands.report`` (the result object the CLI renders)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from state_dirs import own_project
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.commands.report import report
from drillctl.config import DrillConfig, Settings
from drillctl.context import Context

JOURNALS = Path(__file__).resolve().parents[2] / "fixtures" / "journals"
PASSED = "20260302-100000-bullmq-backpressure-7f3a"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    own_project(tmp_path, monkeypatch)
    run_dir = tmp_path / "state" / "runs" / PASSED
    run_dir.mkdir(parents=True)
    shutil.copy(JOURNALS / "passed-unattended.jsonl", run_dir / "journal.jsonl")
    return tmp_path / "state"


def test_format_json_prints_the_drill_report_envelope(state: Path) -> None:
    done = CliRunner().invoke(app, ["--state-dir", str(state), "report", PASSED, "-F", "json"])
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert (found["schema_version"], found["kind"]) == (1, "drillctl.drill-report")
    assert (found["run_id"], found["scenario"], found["result"]) == (
        PASSED,
        "bullmq-backpressure",
        "passed",
    )
    assert (found["durations"]["detect_s"], found["durations"]["recover_s"]) == (12.0, 29.0)
    assert found["unreadable_lines"] == 0
    assert found == json.loads((state / "runs" / PASSED / "report.json").read_text())


def test_the_command_returns_the_report_it_wrote(state: Path) -> None:
    context = Context(settings=Settings(drill=DrillConfig(state_dir=state)))
    found = report(context=context, run_id="latest")
    assert found.run_dir == state / "runs" / PASSED
    assert found.as_json() == json.loads(found.text("json"))
    assert found.as_json()["exit_code"] == 0 and found.warnings == []
    assert set(found.written.paths) >= {"slack", "markdown", "json", "junit"}
    assert found.text("markdown").startswith("# Chaos drill bullmq-backpressure")
