"""`--project-dir DIR` uses DIR/drillctl.toml, from whatever directory drillctl is run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.scenario.catalog import builtin_dir


def test_project_dir_picks_up_that_folders_drillctl_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [k for k in os.environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    project = tmp_path / "shop"
    (project / "drills").mkdir(parents=True)
    text = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")
    drill = text.replace("name: bullmq-backpressure", "name: shop-drill", 1)
    (project / "drills" / "shop-drill.yaml").write_text(drill, encoding="utf-8")
    (project / "drillctl.toml").write_text('[drill]\nscenarios_dir = "drills"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, ["--project-dir", "shop", "list"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "shop-drill" in done.output
