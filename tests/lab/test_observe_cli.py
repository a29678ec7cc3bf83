"""`drillctl doctor` and `drillctl watch` against the real lab, through the installed CLI."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from observe_lab import REPO

pytestmark = [pytest.mark.lab, pytest.mark.timeout(180)]
DRILLCTL = str(Path(sys.executable).with_name("drillctl"))


def lab_env(lab: Any) -> dict[str, str]:
    """Point drillctl.toml's settings at this lab's project and ports."""
    e = lab.endpoints
    return {
        **lab.env,
        "DRILLCTL_PROJECT_NAME": lab.project_name,
        "DRILLCTL_SOURCES_PROMETHEUS": e.prometheus_url,
        "DRILLCTL_SOURCES_ALERTMANAGER": e.alertmanager_url,
    }


def drillctl(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DRILLCTL, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**env, "COLUMNS": "200"},
    )


def test_doctor_passes_on_the_lab_for_a_seed_scenario(lab: Any) -> None:
    done = drillctl("doctor", "bullmq-backpressure", env=lab_env(lab))
    assert done.returncode == 0, done.stdout + done.stderr
    for row in ("prometheus", "compose", "queue_waiting", "EbitApiDown", "BetSettledQueueBacklog"):
        assert row in done.stdout
    assert "ready" in done.stdout


def test_doctor_exits_1_when_a_required_source_is_unreachable(lab: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    done = drillctl(
        "doctor",
        "signin-failure-spike",
        env={**lab_env(lab), "DRILLCTL_SOURCES_PROMETHEUS": closed},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not ready" in done.stdout and "prometheus" in done.stdout


def test_watch_shows_live_signals_and_keeps_a_journal(lab: Any, tmp_path: Path) -> None:
    journal = tmp_path / "watch.jsonl"
    done = drillctl(
        "watch",
        "bullmq-backpressure",
        "--duration",
        "6s",
        "--baseline",
        "3s",
        "--journal",
        str(journal),
        env=lab_env(lab),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "queue_waiting" in done.stdout and "watched bullmq-backpressure" in done.stdout
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    assert {e["data"]["signal"] for e in events if e["type"] == "baseline"} >= {
        "queue_waiting",
        "api_up",
    }
    assert sum(1 for e in events if e["type"] == "sample") >= 4 * 3
