"""SIGKILL during a swarm env-override, then `drillctl recover`: only the changed key is put back.

The drill (signin-failure-spike: ADMIN_DEFAULT_PASSWORD set to a wrong value) is killed while the
override is in place. Someone's other change to the service (a key the drill never touched) must
survive the recovery: swarm's `service rollback` would have undone it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import docker
import pytest
from conftest import drillctl
from run_support import REPO, drill_env

pytestmark = [pytest.mark.lab]

KEY = "ADMIN_DEFAULT_PASSWORD"


def service_env(lab: Any) -> dict[str, str]:
    spec = docker.from_env().api.inspect_service(f"{lab.project_name}_ebit-api")["Spec"]
    pairs = spec["TaskTemplate"]["ContainerSpec"]["Env"]
    return dict(p.split("=", 1) for p in pairs)


def wait_injected(state_dir: Path, proc: subprocess.Popen[str], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        for journal in state_dir.glob("runs/*/journal.jsonl"):
            types = [json.loads(line)["type"] for line in journal.read_text().splitlines()]
            if "fault.injected" in types:
                return
        time.sleep(0.5)
    raise AssertionError(f"no fault.injected (drill exit {proc.poll()})")


def test_sigkill_during_env_override_then_recover_restores_the_changed_key(
    lab: Any, tmp_path: Path
) -> None:
    before = service_env(lab)
    env = drill_env(lab, tmp_path)
    argv = [sys.executable, "-m", "drillctl", "run", "signin-failure-spike", "--non-interactive",
            "--set", "baseline=5s", "--set", "faults[0].duration=2m"]  # fmt: skip
    proc = subprocess.Popen(argv, env=env, cwd=REPO, text=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_injected(tmp_path, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert service_env(lab)[KEY] != before[KEY]  # the override outlived the drill

    done = drillctl(lab, "recover", "--yes", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    after = service_env(lab)
    assert after == before  # the changed key back to its recorded value, nothing else touched
    records = list(tmp_path.glob("runs/*/overrides/*"))
    assert records == [], "the record of the old values is removed once they are put back"
