"""A deliberately broken alert rule is a regression the suite reports and, with
--fail-on-regression, fails on (exit 1), although the drill itself passes.

Cheap on purpose: the shared session lab is not touched. The lab's Prometheus directory is copied
with `WsHandshakesThrottled` renamed, and a second Prometheus (the lab's own image) runs from the
copy on the lab's network, scraping the same services; the suite reads its signals and alerts
there (Alertmanager is left out: the lab's own Prometheus still sends the real name to it). The
history of the previous nights is seeded with `drillctl history import`, as a CI job restores it,
instead of running the drill several times. The scenario's expect block is emptied of alerts, so
only the history knows that the alert used to fire.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from run_support import DRILLCTL, REPO, drill_env, recover
from test_suite_all import shown, suite

pytestmark = [pytest.mark.lab]

ALERT = "WsHandshakesThrottled"
RENAMED = "WsHandshakesThrottledRenamed"
SCENARIO = "ws-handshake-storm"
READY_TIMEOUT_S = 240


def broken_rules(lab: Any, into: Path) -> Path:
    """The lab's prometheus/ with the alert renamed and no alerting section."""
    folder = into / "prometheus"
    shutil.copytree(lab.project_dir / "prometheus", folder)
    rules = folder / "rules.yml"
    text = rules.read_text(encoding="utf-8")
    assert f"alert: {ALERT}\n" in text
    rules.write_text(text.replace(f"alert: {ALERT}\n", f"alert: {RENAMED}\n"), encoding="utf-8")
    config = folder / "prometheus.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?ms)^alerting:.*?(?=^\S)", "", text), encoding="utf-8")
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def docker(*args: str, timeout: float = 120) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture
def broken_prometheus(lab: Any, tmp_path: Path) -> Iterator[str]:
    """URL of a second Prometheus on the lab's network, loaded with the broken rules."""
    folder = broken_rules(lab, tmp_path)
    name = f"{lab.project_name}-broken-prometheus-{tmp_path.name[-12:]}"
    name = re.sub(r"[^a-zA-Z0-9_.-]", "-", name)
    docker(
        "run", "--detach", "--name", name, "--network", f"{lab.project_name}_default",
        "--user", "prometheus", "--volume", f"{folder}:/etc/ebit-lab/prometheus:ro",
        "--publish", "127.0.0.1::9090", "ebit-lab-infra:bookworm",
        "prometheus", "--config.file=/etc/ebit-lab/prometheus/prometheus.yml",
        "--storage.tsdb.path=/tmp/prometheus", "--web.listen-address=:9090",
    )  # fmt: skip
    try:
        port = docker("port", name, "9090/tcp").splitlines()[0].rsplit(":", 1)[1]
        url = f"http://127.0.0.1:{port}"
        wait_ready(url)
        yield url
    finally:
        subprocess.run(["docker", "rm", "--force", name], capture_output=True, timeout=120)


def wait_ready(url: str) -> None:
    """The renamed rule loaded, every lab target scraped, and a rate window filled."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    checks = {
        "rule": lambda c: RENAMED in c.get("/api/v1/rules").text,
        "targets": lambda c: _value(c, "min(up)") == 1.0,
        "rates": lambda c: _value(c, "count(rate(ebit_ws_handshakes_total[10s]))") is not None,
    }
    pending = dict(checks)
    with httpx.Client(base_url=url, timeout=5) as client:
        while pending and time.monotonic() < deadline:
            for key, check in list(pending.items()):
                try:
                    if check(client):
                        del pending[key]
                except (httpx.HTTPError, ValueError, KeyError):
                    pass  # not ready yet: it answers 503 with a plain-text body
            time.sleep(1)
    assert not pending, f"the broken Prometheus at {url} is not ready: {sorted(pending)}"


def _value(client: httpx.Client, expr: str) -> float | None:
    result = client.get("/api/v1/query", params={"query": expr}).json()["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def seed_history(lab: Any, state: Path, env: dict[str, str]) -> None:
    """Three previous nights in which the alert fired, imported like a CI job restores them;
    their durations are generous, so only the lost alert can be a regression."""
    nights = []
    for night in range(1, 4):
        started = datetime.now(UTC) - timedelta(days=night)
        nights.append(
            {
                "schema": "drillctl.history/1",
                "run_id": f"{started:%Y%m%d-%H%M%S}-{SCENARIO}-nig{night}",
                "scenario": SCENARIO,
                "mode": "unattended",
                "result": "passed",
                "exit_code": 0,
                "driver": "compose",
                "target": lab.project_name,
                "started_at": started.isoformat(),
                "detect_s": 60.0,
                "recover_s": 600.0,
                "alerts_fired": [{"name": ALERT, "latency_s": 60.0}],
                "jobs_lost": 0,
            }
        )
    export = state / "history-export.jsonl"
    export.write_text("".join(json.dumps(n) + "\n" for n in nights), encoding="utf-8")
    done = subprocess.run(
        [*DRILLCTL, "history", "import", str(export)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture
def state(lab: Any, tmp_path: Path) -> Iterator[Path]:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    yield state_dir
    recover(lab, state_dir)


@pytest.mark.timeout(1200)
def test_a_renamed_alert_is_a_regression_and_fails_the_suite(
    lab: Any, state: Path, broken_prometheus: str
) -> None:
    env = drill_env(lab, state)
    env.update(DRILLCTL_SOURCES_PROMETHEUS=broken_prometheus, DRILLCTL_SOURCES_ALERTMANAGER="")
    seed_history(lab, state, env)
    summary = state / "suite.json"
    proc, seconds = suite(
        lab, state, SCENARIO, "--fail-on-regression",
        "--set", "baseline=10s", "--set", "faults[0].duration=20s", "--set", "faults[0].rate=60",
        "--set", "expect.alerts=[]", "--json", str(summary), "--junit", str(state / "junit.xml"),
        env=env, timeout=1100,
    )  # fmt: skip
    assert proc.returncode == 1, shown(proc, seconds)
    data = json.loads(summary.read_text(encoding="utf-8"))
    (run,) = data["scenarios"]
    assert run["result"] == "passed" and run["exit_code"] == 0, run  # the drill itself passed
    assert RENAMED in run["alerts"], run  # the storm happened; the alert fired under its new name
    assert run["compared_with"] == 3
    lost = [r for r in data["regressions"] if r["metric"] == f"alert:{ALERT}"]
    assert lost and lost[0]["kind"] == "missing", data["regressions"]
    assert f"alert {ALERT} fired in 3 of 3 previous runs, not in this one" in proc.stdout
    junit = (state / "junit.xml").read_text(encoding="utf-8")
    assert f'name="regression:alert:{ALERT}"' in junit and 'type="regression"' in junit
    print(f"suite with a renamed alert: exit {proc.returncode} in {seconds:.0f}s")
