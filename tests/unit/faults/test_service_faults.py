from __future__ import annotations

import asyncio

import pytest
from fault_helpers import drive, fault, make_env

from drillctl.core.errors import PreflightError, TargetError
from drillctl.target.memory import MemoryDriver, MemoryService

CASES = [
    ({"type": "stop-service", "service": "api", "duration": "60s"}, "exited", "start"),
    ({"type": "kill-service", "service": "api"}, "exited", "start"),
    ({"type": "pause-service", "service": "api", "duration": "5s"}, "paused", "unpause"),
    ({"type": "restart-service", "service": "api"}, "running", "start"),
]


@pytest.mark.parametrize(("raw", "during", "revert_verb"), CASES)
def test_inject_then_revert_from_undo_alone(tmp_path, raw, during, revert_verb):
    env = make_env(tmp_path)
    out = drive(env, raw)
    assert out["after_inject"].state == during
    assert env.target.state("api").state == "running"
    assert (revert_verb, "api") in env.target.calls
    assert out["undo"] == {"service": "api", "running_before": 1}


@pytest.mark.parametrize(("raw", "during", "revert_verb"), CASES)
def test_revert_twice_is_safe(tmp_path, raw, during, revert_verb):
    env = make_env(tmp_path)
    plugin = fault(raw)
    undo = {"service": "api", "running_before": 1}
    asyncio.run(type(plugin).revert(env, undo, {}))
    asyncio.run(type(plugin).revert(env, undo, {}))
    assert env.target.state("api").state == "running"


@pytest.mark.parametrize(("raw", "during", "revert_verb"), CASES)
def test_unknown_service_lists_the_services_that_exist(tmp_path, raw, during, revert_verb):
    env = make_env(tmp_path)
    with pytest.raises(PreflightError) as caught:
        asyncio.run(fault({**raw, "service": "nope"}).check(env))
    assert "'nope'" in caught.value.message and "api, db" in caught.value.message
    assert exit_code(caught.value) == 2


def exit_code(exc: PreflightError) -> int:
    return int(exc.exit_code)


def test_a_service_stopped_before_the_fault_is_left_stopped(tmp_path):
    driver = MemoryDriver({"api": MemoryService(status="exited")})
    env = make_env(tmp_path, driver)
    out = drive(env, {"type": "stop-service", "service": "api", "duration": "1s"})
    assert out["reverted"] == {"skipped": "the service was not running before the fault"}
    assert driver.state("api").state == "exited"


def test_a_removed_service_fails_its_revert_at_once_saying_so(tmp_path):
    env = make_env(tmp_path)
    plugin = fault({"type": "stop-service", "service": "api", "duration": "1s"})
    env.target.svc["api"].status = "missing"
    with pytest.raises(TargetError, match="no container"):
        asyncio.run(type(plugin).revert(env, {"service": "api", "running_before": 1}, {}))


def test_manual_revert_names_the_command(tmp_path):
    env = make_env(tmp_path)
    plugin = fault({"type": "stop-service", "service": "api", "duration": "1s"})
    assert "up -d api" in type(plugin).manual_revert(env, {"service": "api"})


def test_kill_signal_names_are_normalised_and_checked():
    assert (
        fault({"type": "kill-service", "service": "a", "signal": "term"}).params.signal == "SIGTERM"
    )
    with pytest.raises(ValueError, match="not a signal"):
        fault({"type": "kill-service", "service": "a", "signal": "SIGNOPE"})


def test_plans_say_what_and_how_it_is_put_back():
    plan = fault({"type": "stop-service", "service": "ebit-api", "duration": "60s"}).plan()
    assert plan.action == "stop service ebit-api for 1m"
    assert plan.revert == "start service ebit-api"
    assert plan.targets == ["ebit-api"]
