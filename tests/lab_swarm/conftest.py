"""The swarm lab of a pytest session (``pytest tests/lab_swarm``, after the compose session):
deployed once as a stack with smoke traffic, removed at the end whatever happened.

The engine's swarm state is read before anything runs; the last test (test_z_lab_down.py) takes
the lab down with ``drillctl lab down --swarm`` and checks the engine is back in that state.
Like the compose session, the lab fixture FAILS (never skips) without a working Docker engine.

Environment: ``EBIT_LAB_PROJECT`` (the stack name, default ``ebit-lab``), the lab's
``EBIT_LAB_<NAME>_PORT`` variables, ``EBIT_LAB_KEEP=1`` to leave the stack running.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drillctl.core.errors import TargetError
from drillctl.lab.quiet import QUIET_CHECKS, wait_until_quiet
from drillctl.lab.stack import DEFAULT_PROJECT
from drillctl.lab.swarm_stack import SwarmLab

# the drill helpers of the compose session work on any lab object with the same attributes
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lab"))
from run_support import lab_state, wait_for

STEADY_TIMEOUT_S = 120
LAB_KEY = pytest.StashKey["tuple[SwarmLab | None, str | None]"]()
SWARM_BEFORE = pytest.StashKey[str]()


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:  # listing tests must not start (and then stop) a lab
        return
    if any(item.get_closest_marker("lab") for item in session.items):
        session.config.stash[LAB_KEY] = start_lab(session.config)


def pytest_sessionfinish(session: pytest.Session) -> None:
    stack, _ = session.config.stash.get(LAB_KEY, (None, None))
    if stack is not None and os.environ.get("EBIT_LAB_KEEP") != "1":
        stack.down()


def start_lab(config: pytest.Config) -> tuple[SwarmLab | None, str | None]:
    os.environ["DRILLCTL_PROJECT_DRIVER"] = "swarm"  # every drillctl the tests start drills it
    stack = SwarmLab(os.environ.get("EBIT_LAB_PROJECT", DEFAULT_PROJECT))
    try:
        stack.compose.ensure_docker()
        config.stash[SWARM_BEFORE] = stack.swarm_state()
        stack.up(smoke=True)
        wait_until_steady(stack)
    except TargetError as exc:
        return stack, f"the swarm lab did not come up: {exc}"
    return stack, None


@pytest.fixture(scope="session")
def lab(request: pytest.FixtureRequest) -> SwarmLab:
    stack, error = request.config.stash.get(LAB_KEY, (None, "the lab was not started"))
    if error or stack is None:
        pytest.fail(error or "the swarm lab is not available", pytrace=False)
    return stack


@pytest.fixture(autouse=True)
def _quiet_lab(request: pytest.FixtureRequest) -> None:
    """Each swarm test starts on a quiet lab (see tests/lab/conftest.py)."""
    stack, error = request.config.stash.get(LAB_KEY, (None, None))
    if stack is not None and not error and request.node.get_closest_marker("lab"):
        wait_until_quiet(stack.endpoints.prometheus_url)


@pytest.fixture(scope="session")
def swarm_before(request: pytest.FixtureRequest) -> str:
    return request.config.stash[SWARM_BEFORE]


def wait_until_steady(stack: SwarmLab, timeout: float = STEADY_TIMEOUT_S) -> None:
    """Both ebit-api tasks scraped, every other target up, smoke's traffic through the edge."""
    checks = {
        "all targets up": "min(up)",
        "two api tasks": 'count(up{job="ebit-api"} == 1) == bool 2',
        "smoke traffic": 'sum(rate(http_requests_total{route="/api/games"}[10s])) > bool 1',
        **QUIET_CHECKS,  # the start-up backlog drained, nothing firing: the first drill's baseline
    }
    pending = wait_for(stack.endpoints.prometheus_url, checks, timeout)
    if pending:
        state = lab_state(stack.endpoints.prometheus_url)
        raise TargetError(f"the swarm lab is not steady after {timeout:.0f} s: {pending} ({state})")


def drillctl(lab: SwarmLab, *args: str, env: dict[str, str], timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "drillctl", *args],
        env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
