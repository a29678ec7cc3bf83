from __future__ import annotations

import asyncio
import json
import stat

from fault_helpers import drive, fault, make_env

from drillctl.target.memory import MemoryDriver, MemoryService

RAW = {"type": "env-override", "service": "api", "environment": {"ADMIN_DEFAULT_PASSWORD": "wrong"}}


def driver() -> MemoryDriver:
    return MemoryDriver(
        {"api": MemoryService(environment={"ADMIN_DEFAULT_PASSWORD": "right", "A": "1"})}
    )


def test_the_override_lives_in_the_run_dir_and_the_undo_is_a_reference(tmp_path):
    env = make_env(tmp_path, driver())
    plugin = fault(RAW)
    undo = plugin.undo()
    asyncio.run(plugin.inject(env))
    override = env.run_dir / undo["override_file"]
    assert override.is_file() and stat.S_IMODE(override.stat().st_mode) == 0o600
    assert env.target.svc["api"].live_env == {"ADMIN_DEFAULT_PASSWORD": "wrong", "A": "1"}
    assert "wrong" not in json.dumps(undo) and "right" not in json.dumps(undo)
    assert undo["variables"] == ["ADMIN_DEFAULT_PASSWORD"]


def test_revert_recreates_from_the_project_and_deletes_the_override(tmp_path):
    env = make_env(tmp_path, driver())
    out = drive(env, RAW)
    assert env.target.svc["api"].live_env == {"ADMIN_DEFAULT_PASSWORD": "right", "A": "1"}
    assert not (env.run_dir / out["undo"]["override_file"]).exists()
    assert ("recreate", "api") in env.target.calls


def test_revert_twice_and_revert_before_inject_are_safe(tmp_path):
    env = make_env(tmp_path, driver())
    plugin = fault(RAW)
    for _ in range(2):
        asyncio.run(type(plugin).revert(env, plugin.undo(), {}))
    assert env.target.svc["api"].live_env["ADMIN_DEFAULT_PASSWORD"] == "right"


def test_the_plan_names_variables_not_values():
    plan = fault(RAW).plan()
    assert "ADMIN_DEFAULT_PASSWORD" in plan.action and "wrong" not in plan.action
