"""``drillctl list --format json``: the versioned envelope a script reads (commands/list.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drillctl.cli.app import app
from drillctl.commands.list import list_scenarios
from drillctl.scenario.catalog import builtin_dir

NAMES = sorted(p.stem for p in builtin_dir().glob("*.yaml"))  # files are named as their scenario
GOOD = (builtin_dir() / "bullmq-backpressure.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for key in [k for k in __import__("os").environ if k.startswith("DRILLCTL_")]:
        monkeypatch.delenv(key)


def drillctl(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_list_json_is_a_versioned_envelope_of_the_builtins() -> None:
    result = drillctl("list", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["schema_version"], doc["kind"], doc["problems"]) == (
        1,
        "drillctl.scenario-list",
        [],
    )
    assert [s["name"] for s in doc["scenarios"]] == NAMES
    first = doc["scenarios"][0]
    assert (first["severity"], first["origin"], first["overrides_builtin"]) == (
        "P2",
        "built-in",
        False,
    )
    assert first["faults"] == ["stop-service"]


def test_list_json_names_the_broken_files_and_exits_2(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    (team / "mine.yaml").write_text(GOOD, encoding="utf-8")
    (team / "c.yaml").write_text("- not a mapping\n", encoding="utf-8")
    result = drillctl("--scenarios-dir", str(team), "list", "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    mine = next(s for s in doc["scenarios"] if s["name"] == "bullmq-backpressure")
    assert (mine["origin"], mine["path"], mine["overrides_builtin"]) == (
        "custom",
        str(team / "mine.yaml"),
        True,
    )
    [problem] = doc["problems"]
    assert (problem["file"], problem["line"], problem["col"]) == (str(team / "c.yaml"), 1, 1)
    assert "expected a mapping of scenario fields" in problem["message"]


def test_list_scenarios_takes_keywords_and_returns_the_result(tmp_path: Path) -> None:
    listed = list_scenarios(scenarios_dir=None, variables={})
    assert [s.name for s in listed.scenarios] == NAMES
    assert listed.problems == []
