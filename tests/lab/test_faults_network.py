"""Network and resource faults on the real lab: each injected and reverted in turn (the service as
before after each revert, nothing left in its namespace), SIGINT/SIGTERM, SIGKILL + recover, and
the dead-man switch with nobody left to recover.

No baseline, no traffic of drillctl's own: the lab's smoke traffic runs; durations are short.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_faults_interrupt import finish, start
from test_faults_support import REPO, drive_env, driver, fault_env, journal_types, lab_variables

from drillctl.faults import _netns
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.target.base import HELPER_RUN_LABEL

pytestmark = [pytest.mark.lab]

API = "ebit-api"
LATENCY = {"type": "network-latency", "service": API, "delay": "200ms", "to": ["ebit-postgres"],
           "ports": [5432]}  # fmt: skip
PARTITION = {"type": "network-partition", "service": API, "peers": ["ebit-redis-cache"]}


@pytest.fixture
def state_dir(lab: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for key, value in lab_variables(lab).items():
        monkeypatch.setenv(key, value)
    yield tmp_path
    recover(lab, tmp_path)  # whatever a failed test left


def recover(lab: Any, state_dir: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "drillctl", "--state-dir", str(state_dir), "recover", "--yes"]
    return subprocess.run(
        argv, cwd=REPO, env=drive_env(lab), capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def rules_left(env: FaultEnv, service: str = API) -> list[str]:
    """Every rule or qdisc of drillctl's in the service's namespace, read by a helper."""
    spec = {"mode": "list", "tag": "drillctl:", "files": []}
    return list(asyncio.run(_netns.one_shot(env, service, spec, "list"))["left"])


def helpers_of(lab: Any, state_dir: Path, run_id: str) -> list[str]:
    return driver(lab, state_dir).helpers({HELPER_RUN_LABEL: run_id})


def postgres_p50(env: FaultEnv) -> float:
    address = driver_addresses(env, "ebit-postgres")[0]
    found = asyncio.run(_netns.probe(env, API, tcp=[(address, 5432)], count=10))
    return float(found["tcp"][0]["p50_ms"])


def driver_addresses(env: FaultEnv, service: str) -> list[str]:
    return env.target.addresses(service)


async def inject_and_revert(env: FaultEnv, raw: dict[str, Any], hold_s: float) -> dict[str, Any]:
    plugin = plugin_for(all_params()[raw["type"]].model_validate(raw))
    await plugin.check(env)
    undo = plugin.undo()
    result = await plugin.inject(env)
    await asyncio.sleep(hold_s)
    return {"result": result, "reverted": await type(plugin).revert(env, undo, result)}


EVERY_FAULT = [
    (LATENCY, 0),
    ({"type": "network-loss", "service": API, "percent": 30}, 3),
    (PARTITION, 3),
    ({"type": "network-bandwidth", "service": API, "rate": "200kbit"}, 3),
    ({"type": "network-dns", "service": API, "host": "ebit-postgres"}, 0),
    ({"type": "cpu-limit", "service": API, "cpus": 0.5}, 0),
    ({"type": "memory-limit", "service": "ebit-game", "memory": "300m"}, 0),
    ({"type": "disk-fill", "service": API, "path": "/tmp", "size": "20m"}, 0),
]


@pytest.mark.timeout(600)
def test_every_fault_injects_measures_and_reverts_leaving_the_service_as_before(lab, state_dir):
    env = fault_env(lab, state_dir, "run-each")
    target = driver(lab, state_dir)
    before_p50 = postgres_p50(env)
    postgres = target.addresses("ebit-postgres")
    for raw, hold in EVERY_FAULT:
        out = asyncio.run(inject_and_revert(env, {**raw, "duration": "30s"}, hold))
        effect = out["reverted"].get("effect") or out["result"]["effect"]
        assert effect["measured"], (raw["type"], effect)
        assert out["reverted"].get("left", []) == [], raw["type"]
        assert rules_left(env) == [], raw["type"]
        assert helpers_of(lab, state_dir, "run-each") == [], raw["type"]
    # the 200 ms are gone: under half of them left (a loaded 2-core lab adds tens of ms of noise)
    assert postgres_p50(env) < before_p50 + 100
    resolved = asyncio.run(_netns.probe(env, API, resolve=["ebit-postgres"]))["resolve"][0]
    assert resolved["addresses"] == postgres  # the name resolves again
    limits = target.limits(API)
    assert limits["CpuQuota"] in (0, -1) and limits["Memory"] == 0
    assert target.limits("ebit-game")["Memory"] == 0
    assert target.wait_healthy([API, "ebit-game"], 120)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_with_a_network_fault_active_exits_3_with_every_rule_gone(lab, state_dir, sig):
    run_id = f"run-net-{sig.name}"
    proc = start(lab, state_dir, run_id, {**PARTITION, "duration": "60s"})
    env = fault_env(lab, state_dir, run_id)
    assert len(rules_left(env)) == 2  # both directions, in force
    proc.send_signal(sig)
    code, _out, err = finish(proc)
    assert code == 3, err
    assert rules_left(env) == []
    assert helpers_of(lab, state_dir, run_id) == []
    assert journal_types(state_dir, run_id)[-1] == "fault.reverted"


@pytest.mark.timeout(300)
def test_sigkill_then_recover_leaves_no_helper_and_no_rule(lab, state_dir):
    proc = start(lab, state_dir, "run-net-kill", {**LATENCY, "duration": "60s"})
    proc.kill()
    proc.wait()
    env = fault_env(lab, state_dir, "run-net-kill")
    assert rules_left(env) and helpers_of(lab, state_dir, "run-net-kill")  # left behind
    done = recover(lab, state_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "add 200ms to ebit-api's TCP traffic toward ebit-postgres" in done.stdout
    assert rules_left(env) == []
    assert helpers_of(lab, state_dir, "run-net-kill") == []
    assert journal_types(state_dir, "run-net-kill")[-2:] == ["fault.reverted", "run.ended"]


@pytest.mark.timeout(300)
def test_the_dead_man_switch_undoes_the_rules_when_nobody_recovers(lab, state_dir):
    raw = {**PARTITION, "duration": "3s", "dead_man_margin": "2s"}
    proc = start(lab, state_dir, "run-net-dead", raw, hold_s=60)
    proc.kill()  # drillctl is gone; nobody runs recover
    proc.wait()
    killed = time.monotonic()
    env = fault_env(lab, state_dir, "run-net-dead")
    while rules_left(env) and time.monotonic() - killed < 30:
        time.sleep(1)
    assert rules_left(env) == []
    assert time.monotonic() - killed < 30  # duration + margin = 5 s, plus a helper's start
    [helper] = helpers_of(lab, state_dir, "run-net-dead")
    state = driver(lab, state_dir).helper_state(helper)
    assert state.status == "exited" and '"by": "dead-man"' in state.output
