"""A drill killed with SIGKILL while its Alertmanager silence is held: `drillctl recover` expires it
in the lab's real Alertmanager (the journalled silence id is the undo). Killed during the baseline,
before anything is injected, so the test costs seconds, not a drill."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from run_support import DRILLCTL, REPO, drill_env, recover

pytestmark = [pytest.mark.lab]


def _silence_created(journal: Path, deadline: float) -> dict[str, Any] | None:
    while time.monotonic() < deadline:
        if journal.is_file():
            for line in journal.read_text(encoding="utf-8").splitlines():
                if '"silence.created"' in line:
                    return json.loads(line)["data"]
        time.sleep(0.2)
    return None


@pytest.mark.timeout(180)
def test_recover_expires_the_silence_of_a_killed_drill(lab: Any, tmp_path: Path) -> None:
    env = {**drill_env(lab, tmp_path), "DRILLCTL_DRILL_SILENCE": 'alertname="DrillctlNobody"'}
    drill = subprocess.Popen(
        [*DRILLCTL, "run", "bullmq-backpressure", "--non-interactive", "--set", "baseline=60s"],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        journals = tmp_path / "runs"
        deadline = time.monotonic() + 90
        while not list(journals.glob("*/journal.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.2)
        journal = next(iter(journals.glob("*/journal.jsonl")), tmp_path / "none")
        created = _silence_created(journal, deadline)
        assert created is not None, drill.stderr.read() if drill.poll() is not None else journal
    finally:
        drill.kill()  # SIGKILL: nothing of drillctl runs after this
        drill.wait(timeout=30)
    url = f"{lab.endpoints.alertmanager_url}/api/v2/silence/{created['id']}"
    assert httpx.get(url, timeout=10).json()["status"]["state"] == "active"
    done = recover(lab, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"silence {created['id']} expired" in done.stdout, done.stdout
    assert httpx.get(url, timeout=10).json()["status"]["state"] == "expired"
    lines = [json.loads(x) for x in journal.read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["type"] == "silence.expired" and lines[-1]["data"] == {"id": created["id"]}
    again = recover(lab, tmp_path)  # nothing left: recover says so and touches nothing
    assert "silence" not in again.stdout and again.returncode == 0, again.stdout
