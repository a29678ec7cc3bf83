"""`drillctl run` refuses to start (exit 2, nothing injected) while an earlier run left a fault in
place or another drill holds the project's lock; a bad --max-duration is a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.core.journal import Journal
from drillctl.engine.lock import ProjectLock

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)  # drillctl.toml: the lab project (nothing here talks to Docker)
    monkeypatch.setenv("DRILLCTL_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("DRILLCTL_PROJECT_NAME", "ebit-lab-unit")
    return tmp_path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", "bullmq-backpressure", "--non-interactive", *args])
    return result.exit_code, result.output


def test_an_unrecovered_run_blocks_a_new_drill(env: Path) -> None:
    with Journal(env / "runs" / "old-run" / "journal.jsonl") as journal:
        journal.append("run.started", run_id="old-run", target={"driver": "compose"})
        journal.append(
            "fault.inject-started",
            fault=0,
            id="stop",
            type="stop-service",
            plan="stop ebit-api",
            undo={"service": "ebit-api"},
        )
        journal.append("fault.injected", fault=0, id="stop", result={})
    code, output = _run()
    assert code == 2, output
    assert "drillctl recover" in output
    assert [p.name for p in (env / "runs").iterdir()] == ["old-run"]  # no new run was started


def test_a_held_lock_blocks_a_new_drill(env: Path) -> None:
    with ProjectLock(env, "ebit-lab-unit", "other-run"):
        code, output = _run()
    assert code == 2, output
    assert "other-run" in output
    assert not (env / "runs").exists()


def test_a_bad_max_duration_is_refused_before_anything(env: Path) -> None:
    code, output = _run("--max-duration", "soon")
    assert code == 2, output
    assert "--max-duration 'soon'" in output


def test_interactive_needs_a_terminal(env: Path) -> None:
    result = CliRunner().invoke(app, ["run", "bullmq-backpressure", "--interactive", "--yes"])
    assert result.exit_code == 2, result.output
    assert "--interactive needs a terminal" in result.output
