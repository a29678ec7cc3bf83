"""The one reference lab of a pytest session: built and started once (right after collection, when
a lab test was collected), with smoke traffic, torn down at the end of the session whatever
happened.

Lab tests never skip: without a working Docker engine the ``lab`` fixture FAILS with the reason
(under ``CI=true`` and everywhere else), because a skipped lab test would hide every regression.

Environment: ``EBIT_LAB_PROJECT`` (compose project name, default ``ebit-lab``), the lab's
``EBIT_LAB_<NAME>_PORT`` variables, and ``EBIT_LAB_KEEP=1`` to leave the lab running afterwards
(handy while iterating on one test; CI never sets it).
"""

from __future__ import annotations

import os

import pytest
from run_support import lab_state, wait_for

from drillctl.core.errors import TargetError
from drillctl.lab.quiet import QUIET_CHECKS, wait_until_quiet
from drillctl.lab.stack import DEFAULT_PROJECT, LabStack

STEADY_TIMEOUT_S = 120
# The lab is started once the collection is known, before any test's timeout clock starts (a cold
# build takes minutes, which must not count against the first lab test's own timeout).
LAB_KEY = pytest.StashKey["tuple[LabStack | None, str | None]"]()


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:  # listing tests must not start (and then stop) a lab
        return
    if any(item.get_closest_marker("lab") for item in session.items):
        session.config.stash[LAB_KEY] = start_lab()


def pytest_sessionfinish(session: pytest.Session) -> None:
    stack, _ = session.config.stash.get(LAB_KEY, (None, None))
    if stack is not None and os.environ.get("EBIT_LAB_KEEP") != "1":
        stack.down()


def start_lab() -> tuple[LabStack | None, str | None]:
    """(the lab, None) when it is up and steady, else (the stack to tear down or None, why not)."""
    stack = LabStack(project_name=os.environ.get("EBIT_LAB_PROJECT", DEFAULT_PROJECT))
    try:
        stack.ensure_docker()
    except TargetError as exc:
        return None, f"the lab tests need a working Docker engine: {exc}"
    try:
        stack.up(smoke=True)
        wait_until_steady(stack)
    except TargetError as exc:
        return stack, f"the lab did not come up: {exc}"
    return stack, None


@pytest.fixture(autouse=True)
def _quiet_lab(request: pytest.FixtureRequest) -> None:
    """Each lab test starts on a quiet lab: the previous test's alerts resolved, its backlog
    drained (bounded; the test's own drill then decides)."""
    stack, error = request.config.stash.get(LAB_KEY, (None, None))
    if stack is not None and not error and request.node.get_closest_marker("lab"):
        wait_until_quiet(stack.endpoints.prometheus_url)


@pytest.fixture(scope="session")
def lab(request: pytest.FixtureRequest) -> LabStack:
    """The session's lab, up with smoke traffic; fails (never skips) when it cannot be had."""
    stash = request.config.stash
    if LAB_KEY not in stash:  # e.g. a test that uses the fixture without the lab marker
        stash[LAB_KEY] = start_lab()
    stack, error = stash[LAB_KEY]
    if error or stack is None:
        pytest.fail(error or "the lab is not available", pytrace=False)
    return stack


def wait_until_steady(stack: LabStack, timeout: float = STEADY_TIMEOUT_S) -> None:
    """Every scrape target of the lab up in Prometheus and smoke's traffic reaching ebit-api."""
    checks = {
        "all targets up": "min(up)",
        "smoke traffic": 'sum(rate(http_requests_total{route="/api/games"}[10s])) > bool 1',
        "smoke sockets": "smoke_ws_connected_clients >= bool 1",
        **QUIET_CHECKS,  # the start-up backlog drained, nothing firing: the first drill's baseline
    }
    pending = wait_for(stack.endpoints.prometheus_url, checks, timeout)
    if pending:
        state = lab_state(stack.endpoints.prometheus_url)
        raise TargetError(
            f"the lab is up but not steady after {timeout:.0f} s: {pending} ({state})"
        )
