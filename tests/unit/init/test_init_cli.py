"""The init verb module on its own typer app (the global options are the lead's, tested there)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from drillctl.cli import init_cmd
from drillctl.core.errors import ConfigError
from drillctl.init.command import init_project
from drillctl.init.compose_source import Runner


@pytest.fixture
def app(no_docker: Runner, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr("drillctl.init.command.init_project", partial(init_project, run=no_docker))
    app = typer.Typer()
    init_cmd.register(app)
    return app


def test_init_reports_what_it_found_and_wrote(app: typer.Typer, no_prom: Path) -> None:
    result = CliRunner().invoke(app, ["--project-dir", str(no_prom), "--yes", "--no-doctor"])
    assert result.exit_code == 0, result.output
    assert "prometheus: not found: no service looks like prometheus" in result.output
    assert f"wrote {no_prom / 'drillctl.toml'}" in result.output
    assert f"wrote {no_prom / 'drills' / 'stop-web.yaml'}" in result.output
    assert f"drillctl --config {no_prom / 'drillctl.toml'} doctor" in result.output


def test_without_a_terminal_init_refuses_to_overwrite_without_yes(
    app: typer.Typer, no_prom: Path
) -> None:
    (no_prom / "drillctl.toml").write_text("# mine\n")
    result = CliRunner().invoke(app, ["--project-dir", str(no_prom)])
    assert isinstance(result.exception, ConfigError)
    assert result.exception.exit_code == 2
    assert "exists and differs from what init would write" in str(result.exception)
    assert "rerun with --yes" in str(result.exception)
    assert (no_prom / "drillctl.toml").read_text() == "# mine\n"
