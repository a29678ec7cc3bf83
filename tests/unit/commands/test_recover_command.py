"""``drillctl recover --format json``: the drillctl.recover envelope, against the memory target
(a stopped service that a killed drill left behind; its undo record is all recover has)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.core.events import FaultInjected, FaultInjectStarted, RunStarted
from drillctl.core.journal import Journal
from drillctl.target.memory import MemoryDriver, MemoryService

RUN_ID = "20260301-120000-consumer-down-0a1b"
TARGET = {"driver": "memory", "project": "mem", "project_dir": "/memory", "files": []}


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> MemoryDriver:
    stopped = MemoryDriver({"ebit-game": MemoryService(status="exited")})
    monkeypatch.setattr("drillctl.target.factory.build_driver", lambda settings, **kw: stopped)
    return stopped


def killed_run(state_dir: Path) -> None:
    """A drill killed after stopping ebit-game: the undo is journalled, no revert follows."""
    with Journal(state_dir / "runs" / RUN_ID / "journal.jsonl") as journal:
        journal.append(RunStarted(run_id=RUN_ID, target=TARGET))
        journal.append(
            FaultInjectStarted(
                fault=0,
                id="consumer-down",
                fault_type="stop-service",
                plan="stop service ebit-game",
                revert="start service ebit-game",  # StopService's plan, as the engine journals it
                undo={"service": "ebit-game", "running_before": True},  # StopService.undo()
            )
        )
        journal.append(FaultInjected(fault=0, id="consumer-down", result={}))


def recover(state_dir: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    argv = ["--state-dir", str(state_dir), "recover", "--format", "json", *args]
    done = CliRunner().invoke(app, argv)
    return done.exit_code, json.loads(done.stdout), done.stderr


def test_nothing_left_is_an_envelope_with_no_runs(tmp_path: Path, driver: MemoryDriver) -> None:
    code, found, _err = recover(tmp_path, "--yes")
    assert code == 0
    assert (found["schema_version"], found["kind"]) == (1, "drillctl.recover")
    assert (found["runs"], found["attempted"], found["reverted_faults"]) == ([], False, 0)
    assert found["silences"] == {"expired": 0, "failed": 0}
    assert found["state_dir"] == str(tmp_path)


def test_a_revert_is_listed_with_its_fault_and_the_service_is_back(
    tmp_path: Path, driver: MemoryDriver
) -> None:
    killed_run(tmp_path)
    code, found, err = recover(tmp_path, "--yes")
    assert code == 0, err
    [run] = found["runs"]
    assert (run["run_id"], run["project"], run["reverted"], run["failures"]) == (
        RUN_ID,
        "mem",
        True,
        [],
    )
    assert run["faults"] == [
        {
            "index": 0,
            "id": "consumer-down",
            "type": "stop-service",
            "plan": "stop service ebit-game",
            "will_revert": "start service ebit-game",
            "last_error": None,
        }
    ]
    assert (found["attempted"], found["reverted_faults"], found["failed_reverts"]) == (True, 1, 0)
    assert driver.state("ebit-game").running
    assert recover(tmp_path, "--yes")[1]["runs"] == []  # journalled: nothing left the second time


def test_without_yes_the_envelope_lists_what_would_be_reverted_and_exits_2(
    tmp_path: Path, driver: MemoryDriver
) -> None:
    killed_run(tmp_path)
    code, found, err = recover(tmp_path)  # no terminal to ask
    assert code == 2 and "--yes" in err
    [run] = found["runs"]
    assert (found["attempted"], run["reverted"], run["faults"][0]["will_revert"]) == (
        False,
        False,
        "start service ebit-game",
    )
    assert not driver.state("ebit-game").running


def test_a_failed_revert_is_in_the_envelope_and_exits_4(
    tmp_path: Path, driver: MemoryDriver
) -> None:
    killed_run(tmp_path)
    driver.svc["ebit-game"].status = "missing"
    code, found, err = recover(tmp_path, "--yes")
    assert code == 4 and "revert(s) failed" in err
    [run] = found["runs"]
    [failure] = run["failures"]
    assert run["reverted"] is False and found["failed_reverts"] == 1
    assert (failure["index"], failure["id"]) == (0, "consumer-down")
    assert "ebit-game: missing" in failure["state"]
