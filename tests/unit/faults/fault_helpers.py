"""Drive any fault through check → undo → inject → revert against the in-memory target."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from drillctl.core.clock import FakeClock
from drillctl.core.redact import Redactor
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.target.memory import MemoryDriver


def make_env(tmp_path: Path, driver: Any = None, redactor: Redactor | None = None) -> FaultEnv:
    run_dir = tmp_path / "runs" / "r1"
    run_dir.mkdir(parents=True, exist_ok=True)
    return FaultEnv(
        target=driver or MemoryDriver(),
        run_dir=run_dir,
        clock=FakeClock(),
        redactor=redactor or Redactor(),
    )


def fault(raw: dict[str, Any]) -> Any:
    return plugin_for(all_params()[raw["type"]].model_validate(raw))


def drive(env: FaultEnv, raw: dict[str, Any]) -> dict[str, Any]:
    """check, undo, inject, then revert from the undo and result alone (as recover would)."""

    async def run() -> dict[str, Any]:
        plugin = fault(raw)
        await plugin.check(env)
        undo = plugin.undo()
        result = await plugin.inject(env)
        after_inject = env.target.state(raw["service"]) if "service" in raw else None
        reverted = await type(plugin).revert(env, undo, result)
        return {"undo": undo, "result": result, "reverted": reverted, "after_inject": after_inject}

    return asyncio.run(run())
