"""Every built-in fault injects and reverts for real on the lab, and the lab is healthy after."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_faults_support import (
    ADMIN_PASSWORD,
    fault_env,
    lab_variables,
    plugin,
    recover_everything,
    signin,
)

from drillctl.core.errors import PreflightError
from drillctl.core.journal import Journal, read_events
from drillctl.engine.rollback import FaultStack
from drillctl.target.base import ContainerEvent
from drillctl.target.events import follow_container_events

pytestmark = [pytest.mark.lab]


@pytest.fixture
def state_dir(lab: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Its own state dir, the lab's compose variables (ports...) in the environment as a user's
    shell would have them, and a finalizer that recovers whatever the test left."""
    for key, value in lab_variables(lab).items():
        monkeypatch.setenv(key, value)
    yield tmp_path
    recover_everything(lab, tmp_path)


def run_fault(lab: Any, state_dir: Path, raw: dict[str, Any], during: Any = None) -> list[Any]:
    """check → FaultStack.inject → (look at it) → unwind; returns the journal's events."""
    env = fault_env(lab, state_dir)

    async def go() -> None:
        fault = plugin(raw)
        await fault.check(env)
        with Journal(env.run_dir / "journal.jsonl", redactor=env.redactor) as journal:
            async with FaultStack(env, journal) as stack:
                await stack.inject(fault, 0)
                if during is not None:
                    await asyncio.to_thread(during, env)

    asyncio.run(go())
    return read_events(env.run_dir / "journal.jsonl")


def assert_reverted_and_healthy(events: list[Any], env_driver: Any, services: list[str]) -> None:
    assert [e.type for e in events][-1] == "fault.reverted"
    assert env_driver.wait_healthy(services, 120), {s: env_driver.state(s) for s in services}


SERVICE_FAULTS = [
    ({"type": "stop-service", "service": "ebit-game", "duration": "60s"}, "exited"),
    ({"type": "kill-service", "service": "ebit-game", "signal": "SIGKILL"}, "exited"),
    ({"type": "pause-service", "service": "ebit-game", "duration": "60s"}, "paused"),
    ({"type": "restart-service", "service": "ebit-game"}, "running"),
]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("raw", "during_state"), SERVICE_FAULTS, ids=[r["type"] for r, _ in SERVICE_FAULTS]
)
def test_service_faults_inject_and_revert(lab, state_dir, raw, during_state):
    seen: list[str] = []
    events = run_fault(
        lab, state_dir, raw, during=lambda env: seen.append(env.target.state("ebit-game").state)
    )
    assert seen == [during_state]
    assert_reverted_and_healthy(events, fault_env(lab, state_dir).target, ["ebit-game"])


@pytest.mark.timeout(300)
def test_exec_passes_metacharacters_verbatim_and_masks_the_password(lab, state_dir):
    value = "a;b $(id) `whoami` | && * > /tmp/x"
    raw = {
        "type": "exec",
        "service": "ebit-redis-cache",
        "argv": ["redis-cli", "-a", "cache", "--no-auth-warning", "SET", "drill:exec", value],
        "revert_argv": ["redis-cli", "-a", "cache", "--no-auth-warning", "DEL", "drill:exec"],
    }
    got: list[str] = []

    def read_back(env: Any) -> None:
        argv = ["redis-cli", "-a", "cache", "--no-auth-warning", "GET", "drill:exec"]
        got.append(env.target.exec("ebit-redis-cache", argv).stdout.strip())

    events = run_fault(lab, state_dir, raw, during=read_back)
    assert got == [value]  # no shell ran: $(id), `whoami`, |, && and > reached redis as text
    journal = (state_dir / "runs" / "run-1" / "journal.jsonl").read_text()
    assert "-a cache" not in journal and '"cache"' not in journal
    assert "redis-cli -a *** --no-auth-warning SET" in journal
    check = fault_env(lab, state_dir).target.exec(
        "ebit-redis-cache", ["redis-cli", "-a", "cache", "EXISTS", "drill:exec"]
    )
    assert check.stdout.strip() == "0"  # the revert command ran
    assert_reverted_and_healthy(events, fault_env(lab, state_dir).target, ["ebit-redis-cache"])


@pytest.mark.timeout(400)
def test_env_override_breaks_signin_and_the_revert_restores_it(lab, state_dir):
    raw = {
        "type": "env-override",
        "service": "ebit-api",
        "duration": "60s",
        "environment": {"ADMIN_DEFAULT_PASSWORD": "wrong-on-purpose"},
    }
    during: list[Any] = []

    def look(env: Any) -> None:
        assert env.target.wait_healthy(["ebit-api"], 120)
        during.append(signin(lab, ADMIN_PASSWORD))
        during.append(sorted(p.name for p in (env.run_dir / "overrides").iterdir()))

    events = run_fault(lab, state_dir, raw, during=look)
    assert during[0] == 401 and len(during[1]) == 1
    target = fault_env(lab, state_dir).target
    assert_reverted_and_healthy(events, target, ["ebit-api"])
    assert signin(lab, ADMIN_PASSWORD) == 200
    assert not list((state_dir / "runs" / "run-1" / "overrides").iterdir())
    assert "wrong-on-purpose" not in (state_dir / "runs" / "run-1" / "journal.jsonl").read_text()


@pytest.mark.timeout(300)
def test_ws_storm_counts_accepted_and_throttled_handshakes(lab, state_dir):
    raw = {"type": "ws-storm", "url": lab.endpoints.api_url, "clients": 50, "count": 400}
    events = run_fault(lab, state_dir, raw)
    result = next(e for e in events if e.type == "fault.injected").data["result"]
    assert result["handshakes"] == 400 and result["errored"] == 0
    assert result["accepted"] >= 1
    assert result["refused_reasons"].get("handshake throttled", 0) >= 1
    assert result["latency_ms"]["p50"] > 0
    assert [e.type for e in events][-1] == "fault.reverted"


@pytest.mark.timeout(120)
def test_host_command_runs_for_the_fault_and_is_stopped_by_the_revert(lab, state_dir):
    marker = state_dir / "alive"
    script = (
        f"import time,pathlib\nwhile True:\n pathlib.Path({str(marker)!r}).touch(); time.sleep(0.1)"
    )
    raw = {"type": "host-command", "argv": ["python3", "-c", script], "duration": "30s"}
    events = run_fault(lab, state_dir, raw, during=lambda env: time.sleep(1))
    stopped_at = marker.stat().st_mtime
    time.sleep(0.5)
    assert marker.stat().st_mtime == stopped_at
    result = next(e for e in events if e.type == "fault.reverted").data["result"]
    assert result["stopped"] == "SIGTERM"


@pytest.mark.timeout(120)
def test_an_unknown_service_is_refused_before_anything_is_done(lab, state_dir):
    env = fault_env(lab, state_dir)
    with pytest.raises(PreflightError) as caught:
        asyncio.run(
            plugin({"type": "stop-service", "service": "ebit-apii", "duration": "1s"}).check(env)
        )
    assert "ebit-api" in str(caught.value) and "ebit-redis-cache" in str(caught.value)
    assert int(caught.value.exit_code) == 2


@pytest.mark.timeout(300)
def test_container_events_reach_the_sink_with_our_own_time(lab, state_dir):
    env = fault_env(lab, state_dir)
    seen: list[ContainerEvent] = []

    async def go() -> None:
        follow = asyncio.create_task(
            follow_container_events(env.target, datetime.now(UTC), seen.append)
        )
        await asyncio.sleep(0.5)
        await asyncio.to_thread(env.target.restart, "ebit-game")
        for _ in range(100):
            if {"die", "start"} <= {e.action for e in seen if e.service == "ebit-game"}:
                break
            await asyncio.sleep(0.1)
        follow.cancel()
        await asyncio.gather(follow, return_exceptions=True)

    asyncio.run(go())
    actions = [e.action for e in seen if e.service == "ebit-game"]
    assert "die" in actions and "start" in actions
    assert all(e.at.tzinfo is not None for e in seen)
    assert not any(a.startswith("exec") for a in actions)
    assert env.target.wait_healthy(["ebit-game"], 120)
    json.dumps([e.action for e in seen])
