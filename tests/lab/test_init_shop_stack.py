"""`drillctl init` on a compose project that is not the lab, brought up for real.

The shop fixture (tests/fixtures/shop-stack: a Python API, Redis, its own Prometheus, all built
FROM debian:bookworm-slim) runs under its own project name on free ports; `init --yes` must find
Prometheus and the services, and the starter drill it writes must run unattended to exit 0.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from drillctl.scenario.model import scenario_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DRILLCTL = str(Path(sys.executable).with_name("drillctl"))
UP_TIMEOUT_S = 600

pytestmark = [pytest.mark.lab]


@dataclass(frozen=True)
class Stack:
    dir: Path
    env: dict[str, str]
    name: str
    ports: dict[str, int]

    def compose(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        argv = ["docker", "compose", "-p", self.name, *args]
        return subprocess.run(
            argv, cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def drillctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DRILLCTL, *args], cwd=self.dir, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _require_docker() -> None:
    """A lab test never skips: without a Docker engine it fails and says what to run."""
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"docker is not usable ({exc}); run scripts/lab-prereqs.sh")
    if done.returncode != 0:
        pytest.fail(f"docker engine unreachable: {done.stderr.strip()}; run scripts/lab-prereqs.sh")


def _project_copy(tmp_path_factory: pytest.TempPathFactory, fixture: str) -> Path:
    return Path(shutil.copytree(FIXTURES / fixture, tmp_path_factory.mktemp("init") / fixture))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    _require_docker()
    ports = {"api": _free_port(), "redis": _free_port(), "prometheus": _free_port()}
    name = f"drillctl-shop-test-{os.getpid()}"
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": name,  # wins over the file's name: so does drillctl's config
        "SHOP_API_PORT": str(ports["api"]),
        "SHOP_REDIS_PORT": str(ports["redis"]),
        "SHOP_PROMETHEUS_PORT": str(ports["prometheus"]),
    }
    env.pop("DRILLCTL_CONFIG", None)
    stack = Stack(_project_copy(tmp_path_factory, "shop-stack"), env, name, ports)
    try:
        up = stack.compose(
            "up", "-d", "--build", "--wait", "--wait-timeout", str(UP_TIMEOUT_S),
            timeout=UP_TIMEOUT_S + 60,
        )  # fmt: skip
        assert up.returncode == 0, f"shop stack did not come up:\n{up.stdout}\n{up.stderr}"
        _wait_until_scraped(stack)
        yield stack
    finally:
        stack.compose("down", "--volumes", "--remove-orphans", "--timeout", "5", timeout=180)


def _wait_until_scraped(stack: Stack, timeout: float = 60) -> None:
    """Healthy is not scraped: Prometheus may start before shop-api, and its last scrape then
    still says down; init's doctor (rightly) calls such a stack not ready. Wait for up == 1."""
    url = f"http://127.0.0.1:{stack.ports['prometheus']}/api/v1/query"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError, ValueError, KeyError, IndexError):
            answer = httpx.get(url, params={"query": 'up{job="shop-api"}'}, timeout=5).json()
            if answer["data"]["result"][0]["value"][1] == "1":
                return
        time.sleep(1)
    pytest.fail(f"Prometheus never scraped shop-api as up within {timeout:.0f} s")


@pytest.fixture(scope="module")
def initialised(shop: Stack) -> Stack:
    done = shop.drillctl("init", "--yes", timeout=300)
    assert done.returncode == 0, f"init failed:\n{done.stdout}\n{done.stderr}"
    assert "prometheus: found" in done.stdout
    assert "\nready\n" in done.stdout, f"doctor did not find the stack ready:\n{done.stdout}"
    assert "  drillctl run drills/stop-shop-api.yaml --dry-run" in done.stdout
    return shop


@pytest.mark.timeout(UP_TIMEOUT_S + 420)
def test_init_finds_prometheus_and_the_services(initialised: Stack) -> None:
    config = tomllib.loads((initialised.dir / "drillctl.toml").read_text())
    prometheus = f"http://127.0.0.1:{initialised.ports['prometheus']}"
    assert config["project"]["name"] == initialised.name
    assert config["project"]["files"] == ["compose.yaml"]
    assert config["sources"]["prometheus"] == prometheus
    assert httpx.get(f"{prometheus}/-/ready", timeout=5).status_code == 200
    text = (initialised.dir / "drillctl.toml").read_text()
    for service in ("shop-api", "shop-redis", "prometheus", "shop-loadgen"):
        assert f"#   {service} " in text
    assert "# alertmanager: not found" in text

    raw = yaml.safe_load((initialised.dir / "drills" / "stop-shop-api.yaml").read_text())
    scenario = scenario_model().model_validate(raw)
    assert scenario.faults[0].service == "shop-api"
    assert scenario.vars == {"job": "shop-api"}
    assert {s.source for s in scenario.signals} == {"prometheus"}
    assert scenario.traffic.http[0].url == f"http://127.0.0.1:{initialised.ports['api']}/"


@pytest.mark.timeout(UP_TIMEOUT_S + 900)
def test_the_starter_drill_runs_unattended_to_exit_0(initialised: Stack) -> None:
    try:
        done = initialised.drillctl(
            "run", "drills/stop-shop-api.yaml", "--non-interactive", timeout=600
        )
        assert done.returncode == 0, f"drill exit {done.returncode}:\n{done.stdout}\n{done.stderr}"
        reports = list((initialised.dir / ".drillctl" / "runs").glob("*/report.json"))
        assert len(reports) == 1
        assert json.loads(reports[0].read_text())
    finally:  # whatever happened, the next test gets the service back
        initialised.compose("up", "-d", "--wait", "shop-api", timeout=180)


@pytest.mark.timeout(300)
def test_init_on_a_project_without_prometheus_says_so(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _require_docker()
    project = _project_copy(tmp_path_factory, "no-prom-stack")
    env = {k: v for k, v in os.environ.items() if k != "DRILLCTL_CONFIG"}
    done = subprocess.run(
        [DRILLCTL, "init", "--yes", "--project-dir", str(project)],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"init failed:\n{done.stdout}\n{done.stderr}"
    assert "read from docker compose config" in done.stdout
    assert "prometheus: not found" in done.stdout
    config = tomllib.loads((project / "drillctl.toml").read_text())
    assert "prometheus" not in config["sources"]
    raw = yaml.safe_load((project / "drills" / "stop-web.yaml").read_text())
    assert [s.source for s in scenario_model().model_validate(raw).signals] == ["http"]
