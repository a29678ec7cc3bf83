"""A fault type from another package (tests/plugins/drillctl-example-fault, installed by
``make venv``) is found through the ``drillctl.faults`` entry point, validates in a scenario, and
injects and reverts on the lab through the same stack as the built-ins."""

from __future__ import annotations

import asyncio
import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from test_faults_support import fault_env, lab_variables, recover_everything

from drillctl.core.journal import Journal, read_events
from drillctl.engine.rollback import FaultStack
from drillctl.faults.registry import ENTRY_POINT_GROUP, plugin_class, plugin_for
from drillctl.scenario.model import scenario_model

pytestmark = [pytest.mark.lab]


@pytest.fixture
def state_dir(lab: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for key, value in lab_variables(lab).items():
        monkeypatch.setenv(key, value)
    yield tmp_path
    recover_everything(lab, tmp_path)


def test_the_plugin_package_is_installed_under_the_entry_point_group():
    names = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert names.get("marker-file") == "drillctl_example_fault.marker:MarkerFile"
    assert plugin_class("marker-file").__module__ == "drillctl_example_fault.marker"


def test_a_scenario_may_use_the_plugin_type():
    schema = json.dumps(scenario_model().model_json_schema())
    assert '"marker-file"' in schema


@pytest.mark.timeout(300)
def test_the_plugin_fault_injects_and_reverts_on_the_lab(lab, state_dir):
    env = fault_env(lab, state_dir)
    params = plugin_class("marker-file").params_model.model_validate(
        {"type": "marker-file", "service": "ebit-api", "path": "/tmp/drill-was-here"}
    )
    present: list[int] = []

    def look() -> None:
        present.append(env.target.exec("ebit-api", ["test", "-e", "/tmp/drill-was-here"]).exit_code)

    async def go() -> None:
        fault = plugin_for(params)
        await fault.check(env)
        with Journal(env.run_dir / "journal.jsonl") as journal:
            async with FaultStack(env, journal) as stack:
                await stack.inject(fault, 0)
                await asyncio.to_thread(look)

    asyncio.run(go())
    look()
    assert present == [0, 1]  # there during the fault, gone after the revert
    types = [e.type for e in read_events(env.run_dir / "journal.jsonl")]
    assert types == [
        "fault.inject-started",
        "fault.injected",
        "fault.revert-started",
        "fault.reverted",
    ]
