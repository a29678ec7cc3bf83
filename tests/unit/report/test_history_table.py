"""`drillctl history` on the frozen 0.1.0 index: whole run ids at 80 columns (they are copied into
`drillctl report`), columns dropped instead, and `--format json` with every column."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drillctl.cli.app import app

V010 = Path(__file__).resolve().parents[2] / "fixtures" / "journals" / "v010"
INDEXED = [line for line in (V010 / "expected" / "history-export.jsonl").read_text().splitlines()]
RUN_IDS = sorted(json.loads(line)["run_id"] for line in INDEXED if line.strip())


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)
    (tmp_path / "drillctl.toml").write_text('[project]\nname = "ebit-lab"\n')
    (tmp_path / "state").mkdir()
    shutil.copy(V010 / "history.sqlite", tmp_path / "state" / "history.sqlite")
    return tmp_path / "state"


def history(state: Path, columns: int, *args: str) -> Result:
    env = {"COLUMNS": str(columns)}
    return CliRunner().invoke(app, ["--state-dir", str(state), "history", *args], env=env)


@pytest.mark.parametrize("columns", [80, 60])
def test_run_ids_are_whole_at_a_narrow_terminal(state: Path, columns: int) -> None:
    result = history(state, columns)
    assert result.exit_code == 0, result.output
    assert all(len(line) <= columns for line in result.stdout.splitlines())
    for run_id in RUN_IDS:
        assert run_id in result.stdout, run_id
    assert "not shown at this width" in " ".join(result.stdout.split())


def test_a_wide_terminal_shows_every_column(state: Path) -> None:
    result = history(state, 200)
    assert "not shown" not in result.stdout
    assert all(name in result.stdout for name in ("detect", "ack", "hyp", "mit", "rec", "alerts"))


def test_format_json_gives_the_whole_table(state: Path) -> None:
    result = history(state, 80, "--format", "json")
    rows = json.loads(result.stdout)["runs"]
    assert sorted(r["run_id"] for r in rows) == RUN_IDS
    assert {"detect_s", "acknowledge_s", "hypothesis_s", "mitigate_s", "recover_s"} <= set(rows[0])
