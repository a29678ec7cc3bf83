"""Helpers of the `drillctl run` lab tests: the CLI pointed at the session lab, a state dir each."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from drillctl.lab.quiet import wait_until_quiet

REPO = Path(__file__).resolve().parents[2]
DRILLCTL = [sys.executable, "-m", "drillctl"]


def drill_env(lab: Any, state_dir: Path) -> dict[str, str]:
    """drillctl configured for the session lab (its project, ports, sources) and this state dir."""
    env = {k: v for k, v in dict(lab.env).items() if isinstance(v, str)}
    points = lab.endpoints
    env.update(
        DRILLCTL_STATE_DIR=str(state_dir),
        DRILLCTL_PROJECT_NAME=lab.project_name,
        DRILLCTL_PROJECT_DIR=str(lab.project_dir),
        DRILLCTL_PROJECT_FILES=",".join(str(f) for f in lab.compose_files),
        DRILLCTL_SOURCES_PROMETHEUS=points.prometheus_url,
        DRILLCTL_SOURCES_ALERTMANAGER=points.alertmanager_url,
        DRILLCTL_VAR_GATEWAY_URL=points.api_url,
        DRILLCTL_DRILL_RUNBOOKS_DIR=str(REPO / "runbooks"),
        COLUMNS="100",
    )
    return env


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    run_dir: Path | None
    seconds: float

    def events(self) -> list[dict[str, Any]]:
        assert self.run_dir is not None, self.stderr
        text = (self.run_dir / "journal.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [e["data"] for e in self.events() if e["type"] == type_]

    def report(self) -> dict[str, Any]:
        assert self.run_dir is not None
        return json.loads((self.run_dir / "report.json").read_text(encoding="utf-8"))

    def slack(self) -> str:
        assert self.run_dir is not None
        return (self.run_dir / "timeline.slack.txt").read_text(encoding="utf-8")


def wait_for(prometheus_url: str, checks: dict[str, str], timeout: float) -> list[str]:
    """Poll each named PromQL check (1 when it holds) until all held once or ``timeout``;
    returns the names that never held."""
    pending = dict(checks)
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=prometheus_url, timeout=5) as client:
        while pending and time.monotonic() < deadline:
            pending = {k: q for k, q in pending.items() if scalar(client, q) != 1.0}
            if pending:
                time.sleep(1)
    return sorted(pending)


def lab_state(prometheus_url: str) -> str:
    """What a not-quiet lab looks like, for a failure message: queue depths and firing alerts."""
    with httpx.Client(base_url=prometheus_url, timeout=5) as client:
        queue = _vector(client, 'sum by (state) (bullmq_queue_jobs{queue="bet_settled_queue"})')
        firing = _vector(client, 'count by (alertname) (ALERTS{alertstate="firing"})')
    depths = ", ".join(f"{m.get('state')}={v}" for m, v in queue) or "no queue series"
    alerts = ", ".join(m.get("alertname", "?") for m, _ in firing) or "none"
    return f"bet_settled_queue {depths}; alerts firing: {alerts}"


def _vector(client: httpx.Client, expr: str) -> list[tuple[dict[str, str], str]]:
    try:
        result = client.get("/api/v1/query", params={"query": expr}).json()["data"]["result"]
    except (httpx.HTTPError, ValueError, KeyError):
        return []
    return [(r["metric"], r["value"][1]) for r in result]


def scalar(client: httpx.Client, expr: str) -> float | None:
    try:
        result = client.get("/api/v1/query", params={"query": expr}).json()["data"]["result"]
    except (httpx.HTTPError, ValueError, KeyError):
        return None
    return float(result[0]["value"][1]) if result else None


def run_drill(
    lab: Any,
    state_dir: Path,
    scenario: str,
    *args: str,
    timeout: float = 420,
    env: dict[str, str] | None = None,
) -> Run:
    # what lab up waits for (bounded): a previous drill's alert or backlog would otherwise be this
    # drill's not-steady baseline (exit 5): right for a user, a flake for a test not causing it
    wait_until_quiet(lab.endpoints.prometheus_url)
    started = time.monotonic()
    proc = subprocess.run(
        [*DRILLCTL, "run", scenario, "--non-interactive", *args],
        env={**drill_env(lab, state_dir), **(env or {})},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    runs = (
        sorted((state_dir / "runs").glob("*/journal.jsonl"))
        if (state_dir / "runs").is_dir()
        else []
    )
    run_dir = runs[-1].parent if runs else None
    return Run(proc.returncode, proc.stdout, proc.stderr, run_dir, time.monotonic() - started)


def recover(lab: Any, state_dir: Path) -> subprocess.CompletedProcess[str]:
    """The finalizer of every run test: revert whatever a run left injected."""
    return subprocess.run(
        [*DRILLCTL, "recover", "--yes"],
        env=drill_env(lab, state_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def shown(run: Run) -> str:
    """What to print when an assertion fails: the end of the output and of the journal."""
    tail = "\n".join(run.stdout.splitlines()[-60:])
    head = f"exit {run.code} after {run.seconds:.0f}s"
    return f"{head}\n--- stdout\n{tail}\n--- stderr\n{run.stderr[-3000:]}"


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def timeline_shows_the_real_drill(name: str, slack: str) -> None:
    """The Slack timeline of a passed seed drill: the real symptom with real numbers, the revert,
    the recovery and the key durations (shared by the run and suite lab tests)."""
    header = slack.splitlines()[0]
    assert header.startswith(f"*Chaos drill {name} (") and "PASSED" in header, slack
    for line in ("Time to detect:", "Time to hypothesis", "Time to mitigate:", "Time to recover:"):
        assert line in slack, slack
    assert "Reverting " in slack and "Recovered: " in slack, slack
    expected = {
        "bullmq-backpressure": r"queue_waiting: baseline \S+ jobs → peak (\d+) jobs",
        "redis-cache-flush": r"cache_miss_ratio: baseline \S+ ratio → peak (0\.\d+|1) ratio",
        "signin-failure-spike": r"signin_failure_ratio: baseline 0 ratio → peak (0\.\d+|1) ratio",
        "ws-handshake-storm": r"handshakes_throttled: baseline 0 handshakes/s → peak (\d[\d.]*)",
        "postgres-latency": r"write_latency: baseline \S+ s → peak (\d[\d.]*) s",
        "cache-partition": r"reads_failing: baseline 0 req/s → peak (\d[\d.]*) req/s",
    }[name]
    peak = re.search(expected, slack)
    assert peak and float(peak.group(1)) > 0, slack
    if name == "bullmq-backpressure":
        assert int(peak.group(1)) >= 20, slack  # the waiting depth well above its baseline
    alert = {
        "bullmq-backpressure": "EbitApiDown fired",
        "redis-cache-flush": "CacheMissSpike fired",
        "signin-failure-spike": "AdminSignInFailureSpike fired",
        "ws-handshake-storm": "WsHandshakesThrottled fired",
        "postgres-latency": "ApiWriteLatencyHigh fired",
        "cache-partition": "ApiReadsFailing fired",
    }[name]
    assert alert in slack, slack
