"""validate warns (exit 0) about a fault on a service the reachable project does not define."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.scenario.catalog import builtin_dir

GOOD = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")
COMPOSE = "services:\n  api:\n    image: busybox\n  db:\n    image: busybox\n"


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in os.environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    (tmp_path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    (tmp_path / "drillctl.toml").write_text('[project]\nname = "robust-validate"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_fault_on_an_unknown_service_is_a_located_warning(project: Path) -> None:
    scenario = project / "s.yaml"
    scenario.write_text(GOOD.replace("api_service: ebit-api", "api_service: apu"), "utf-8")
    result = CliRunner().invoke(app, ["validate", str(scenario)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    line = GOOD.splitlines().index("    service: ${var:api_service}") + 1
    assert result.stderr.splitlines() == [
        f"{scenario}:{line}:14: faults[0].service: warning: service 'apu' is not defined in the "
        "project; services: api, db"
    ]


def test_a_known_service_gives_no_warning(project: Path) -> None:
    scenario = project / "s.yaml"
    scenario.write_text(GOOD.replace("api_service: ebit-api", "api_service: api"), "utf-8")
    result = CliRunner().invoke(app, ["validate", str(scenario)], env={"COLUMNS": "200"})
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_project_that_includes_files_is_read_by_compose(project: Path) -> None:
    """``include:`` brings services the files alone do not name: docker compose lists them."""
    (project / "parts.yaml").write_text(COMPOSE, encoding="utf-8")
    (project / "compose.yaml").write_text("include:\n  - parts.yaml\n", encoding="utf-8")
    scenario = project / "s.yaml"
    scenario.write_text(GOOD.replace("api_service: ebit-api", "api_service: apu"), "utf-8")
    result = CliRunner().invoke(app, ["validate", str(scenario)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("services: api, db\n")
