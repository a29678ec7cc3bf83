from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drillctl.cli.app import app
from drillctl.core.clock import FakeClock
from drillctl.core.errors import UnrecoveredRunError
from drillctl.core.journal import Journal, read_events
from drillctl.core.redact import Redactor
from drillctl.engine.lock import ProjectLock
from drillctl.engine.recover import (
    pending_faults,
    recover_run,
    refuse_if_unrecovered,
    unrecovered_runs,
)
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.target.memory import MemoryDriver, MemoryService

TARGET = {"driver": "memory", "project": "mem", "project_dir": "/memory", "files": []}


def interrupted_run(
    state_dir: Path,
    run_id: str,
    driver: MemoryDriver,
    raws: list[dict[str, Any]],
    revert_first: int = 0,
) -> Path:
    """Inject faults for real against the memory target, then 'die' without reverting."""
    run_dir = state_dir / "runs" / run_id
    env = FaultEnv(driver, run_dir, FakeClock(), Redactor())
    with Journal(run_dir / "journal.jsonl") as journal:
        journal.append("run.started", run_id=run_id, target=TARGET)
        for index, raw in enumerate(raws):
            plugin = plugin_for(all_params()[raw["type"]].model_validate(raw))
            asyncio.run(plugin.check(env))
            journal.append(
                "fault.inject-started",
                fault=index,
                id=raw["type"],
                type=raw["type"],
                plan=plugin.plan().action,
                undo=plugin.undo(),
            )
            result = asyncio.run(plugin.inject(env))
            journal.append("fault.injected", fault=index, id=raw["type"], result=result)
        for index in range(revert_first):
            journal.append("fault.reverted", fault=index, id="x", result={})
    return run_dir


def lab() -> MemoryDriver:
    return MemoryDriver(
        {
            "ebit-api": MemoryService(environment={"ADMIN_DEFAULT_PASSWORD": "admin"}),
            "ebit-game": MemoryService(),
        }
    )


STOP = {"type": "stop-service", "service": "ebit-game", "duration": "60s"}
ENV = {
    "type": "env-override",
    "service": "ebit-api",
    "environment": {"ADMIN_DEFAULT_PASSWORD": "wrong"},
}


def test_pending_faults_are_the_injected_and_not_reverted_newest_first(tmp_path):
    run_dir = interrupted_run(tmp_path, "r1", lab(), [STOP, ENV])
    pending = pending_faults(read_events(run_dir / "journal.jsonl"))
    assert [(f.index, f.type_name) for f in pending] == [(1, "env-override"), (0, "stop-service")]
    run_dir = interrupted_run(tmp_path, "r2", lab(), [STOP, ENV], revert_first=1)
    assert [f.index for f in pending_faults(read_events(run_dir / "journal.jsonl"))] == [1]


def test_the_engine_refuses_to_start_while_a_run_is_unrecovered(tmp_path):
    refuse_if_unrecovered(tmp_path)  # nothing yet
    interrupted_run(tmp_path, "r1", lab(), [STOP])
    with pytest.raises(UnrecoveredRunError) as caught:
        refuse_if_unrecovered(tmp_path)
    assert "drillctl recover" in str(caught.value) and "r1" in str(caught.value)
    assert int(caught.value.exit_code) == 2


def test_a_live_run_is_not_unrecovered(tmp_path):
    interrupted_run(tmp_path, "r1", lab(), [STOP])
    with ProjectLock(tmp_path, "mem", run_id="r1"):
        assert unrecovered_runs(tmp_path) == []
    assert [r.run_id for r in unrecovered_runs(tmp_path)] == ["r1"]


def test_recover_reverts_lifo_journals_it_and_ends_the_run(tmp_path):
    driver = lab()
    run_dir = interrupted_run(tmp_path, "r1", driver, [STOP, ENV])
    assert driver.svc["ebit-api"].live_env["ADMIN_DEFAULT_PASSWORD"] == "wrong"
    (run,) = unrecovered_runs(tmp_path)
    failures = asyncio.run(recover_run(run, lambda target: driver, state_dir=tmp_path))
    assert failures == []
    assert driver.svc["ebit-api"].live_env["ADMIN_DEFAULT_PASSWORD"] == "admin"
    assert driver.state("ebit-game").state == "running"
    assert not list((run_dir / "overrides").iterdir())
    events = read_events(run_dir / "journal.jsonl")
    reverted = [e.data["fault"] for e in events if e.type == "fault.reverted"]
    assert reverted == [1, 0]
    assert {e.data["by"] for e in events if e.type == "fault.revert-started"} == {"recover"}
    assert events[-1].type == "run.ended" and events[-1].data["exit_code"] == 3
    assert unrecovered_runs(tmp_path) == []


def test_a_failed_recovery_stays_pending_and_says_what_to_do(tmp_path):
    driver = lab()
    interrupted_run(tmp_path, "r1", driver, [STOP])
    driver.svc["ebit-game"].status = "missing"
    (run,) = unrecovered_runs(tmp_path)
    (failure,) = asyncio.run(recover_run(run, lambda target: driver, state_dir=tmp_path))
    assert "ebit-game" in failure.state and "tools of the memory target" in failure.todo
    assert "drillctl --state-dir" in failure.todo
    (again,) = unrecovered_runs(tmp_path)
    assert again.faults[0].last_error == failure.error


@pytest.fixture
def cli(tmp_path, monkeypatch):
    driver = lab()
    monkeypatch.setattr("drillctl.target.factory.build_driver", lambda settings, **kw: driver)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(app, ["--state-dir", str(tmp_path), "recover", *args], input=stdin)

    return driver, invoke


def test_cli_nothing_to_recover_exits_0(cli):
    _driver, invoke = cli
    result = invoke("--yes")
    assert result.exit_code == 0 and "nothing to recover" in result.output


def test_cli_shows_then_reverts_with_yes(tmp_path, cli):
    driver, invoke = cli
    interrupted_run(tmp_path, "r1", driver, [ENV])
    result = invoke("--yes")
    assert result.exit_code == 0, result.output
    assert "recreate service ebit-api with ADMIN_DEFAULT_PASSWORD overridden" in result.output
    assert "wrong" not in result.output
    assert driver.svc["ebit-api"].live_env["ADMIN_DEFAULT_PASSWORD"] == "admin"
    assert invoke("--yes").exit_code == 0


def test_cli_without_yes_and_without_a_terminal_reverts_nothing(tmp_path, cli):
    driver, invoke = cli
    interrupted_run(tmp_path, "r1", driver, [STOP])
    result = invoke()
    assert result.exit_code == 2 and "--yes" in result.output
    assert driver.state("ebit-game").state == "exited"


def test_cli_exits_4_when_a_revert_fails(tmp_path, cli):
    driver, invoke = cli
    interrupted_run(tmp_path, "r1", driver, [STOP])
    driver.svc["ebit-game"].status = "missing"
    result = invoke("--yes")
    assert result.exit_code == 4
    assert "state: ebit-game: missing" in result.output and "to do:" in result.output


KILLED = "20261207-173000-bullmq-backpressure-3f9a"  # a real run id's length


def test_a_recovered_killed_run_reads_aborted_recovered_by_drillctl_recover_in_history(
    tmp_path, cli
):
    driver, invoke = cli
    run_dir = interrupted_run(tmp_path, KILLED, driver, [STOP])
    assert invoke("--yes").exit_code == 0
    end = read_events(run_dir / "journal.jsonl")[-1]
    assert end.type == "run.ended"
    assert (end.data["result"], end.data["recovered_by"]) == ("aborted", "drillctl recover")

    def history(*args: str) -> Any:
        argv = ["--state-dir", str(tmp_path), "history", *args]
        return CliRunner().invoke(app, argv, env={"COLUMNS": "80"})

    text = history()
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(KILLED in line for line in lines)  # the whole run id, never cut
    run_line = next(i for i, line in enumerate(lines) if KILLED in line)
    assert lines[run_line].split()[1] == "aborted,"  # the result cell: its first line ...
    assert "recovered by drillctl recover" in lines[run_line + 1]  # ... and its second
    (row,) = json.loads(history("--format", "json").output)["runs"]  # the drillctl.history envelope
    assert row["run_id"] == KILLED and row["result"] == "aborted"
    assert row["recovered_by"] == "drillctl recover"
    assert row["result_text"] == "aborted, recovered by drillctl recover"
    aborted = json.loads(history("--result", "aborted", "--format", "json").output)["runs"]
    assert [r["run_id"] for r in aborted] == [KILLED]  # still filtered by its result
