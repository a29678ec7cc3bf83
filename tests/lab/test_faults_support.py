"""Shared helpers of the fault lab tests (no tests here): settings for the session lab, a fault
env, the recover finalizer, sign-in, and DRIVE, a tiny drill process driving a FaultStack.

DRIVE stands in for ``drillctl run`` (written elsewhere) so interruption can be tested for real:
``python -c DRIVE STATE_DIR RUN_ID PARAMS_JSON HOLD_S`` injects one fault, prints ``injected``,
holds it, and exits with drillctl's exit code (3 when interrupted, 4 when a revert failed).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from drillctl.config import Settings, load_settings
from drillctl.core.clock import SystemClock
from drillctl.core.redact import Redactor
from drillctl.engine.recover import recover_run, unrecovered_runs
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.target.compose import ComposeDriver
from drillctl.target.factory import build_driver

REPO = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "ebit-admin-2024"  # compose.yaml's default (EBIT_LAB_ADMIN_PASSWORD)


def lab_env(lab: Any) -> dict[str, str]:
    """The environment the lab was started with: compose must interpolate it the same way."""
    return {k: v for k, v in dict(lab.env).items() if isinstance(v, str)}


def lab_variables(lab: Any) -> dict[str, str]:
    """The variables compose interpolates in the lab's files (ports, passwords, project name)."""
    return {k: v for k, v in lab_env(lab).items() if k.startswith(("EBIT_LAB_", "COMPOSE_"))}


def lab_settings(lab: Any, state_dir: Path) -> Settings:
    files = [str(f) for f in lab.compose_files]
    overrides = {
        "project": {"dir": lab.project_dir, "files": files, "name": lab.project_name},
        "drill": {"state_dir": state_dir},
    }
    return load_settings(env={}, cwd=REPO, overrides=overrides)


def driver(lab: Any, state_dir: Path) -> ComposeDriver:
    built = build_driver(lab_settings(lab, state_dir), env=lab_env(lab))
    assert isinstance(built, ComposeDriver)
    return built


def fault_env(
    lab: Any, state_dir: Path, run_id: str = "run-1", redactor: Redactor | None = None
) -> FaultEnv:
    run_dir = state_dir / "runs" / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    return FaultEnv(driver(lab, state_dir), run_dir, SystemClock(), redactor or Redactor())


def plugin(raw: dict[str, Any]) -> Any:
    return plugin_for(all_params()[raw["type"]].model_validate(raw))


def recover_everything(lab: Any, state_dir: Path) -> None:
    """The finalizer of every fault test: revert what a run left, then wait for a healthy lab."""
    for run in unrecovered_runs(state_dir):
        asyncio.run(recover_run(run, lambda target: driver(lab, state_dir), state_dir=state_dir))
    target = driver(lab, state_dir)
    if not target.wait_healthy(None, 90):
        compose(lab, "up", "--detach", "--no-build", "--wait", "--wait-timeout", "240")


def compose(lab: Any, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*lab.compose_args(), *args],
        env=lab_env(lab),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def signin(lab: Any, password: str) -> int:
    body = {"username": "admin", "password": password}
    return httpx.post(
        f"{lab.endpoints.api_url}/api/admin/signin", json=body, timeout=10
    ).status_code


def drive_argv(state_dir: Path, run_id: str, raw: dict[str, Any], hold_s: float) -> list[str]:
    return [sys.executable, "-c", DRIVE, str(state_dir), run_id, json.dumps(raw), str(hold_s)]


def drive_env(lab: Any) -> dict[str, str]:
    """What DRIVE needs to find the lab: the lab's environment and its project for drillctl."""
    return {
        **os.environ,
        **lab_env(lab),
        "DRILLCTL_PROJECT_DIR": str(lab.project_dir),
        "DRILLCTL_PROJECT_FILES": ",".join(str(f) for f in lab.compose_files),
        "DRILLCTL_PROJECT_NAME": lab.project_name,
        "PYTHONUNBUFFERED": "1",
    }


def journal_types(state_dir: Path, run_id: str) -> list[str]:
    path = state_dir / "runs" / run_id / "journal.jsonl"
    return [json.loads(line)["type"] for line in path.read_text().splitlines() if line.strip()]


DRIVE = r"""
import asyncio, json, sys
from pathlib import Path
from drillctl.core.clock import SystemClock
from drillctl.config import load_settings
from drillctl.core.journal import Journal
from drillctl.engine.lock import ProjectLock
from drillctl.commands.signals import aborted_when_interrupted, reverting_on_signals
from drillctl.engine.rollback import FaultStack, Interrupts
from drillctl.core.errors import DrillError
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.core.redact import Redactor
from drillctl.target.factory import build_driver

async def main(state_dir, run_id, raw, hold):
    settings = load_settings(overrides={"drill": {"state_dir": Path(state_dir)}})
    driver = build_driver(settings)
    run_dir = Path(state_dir) / "runs" / run_id
    redactor = Redactor()
    env = FaultEnv(target=driver, run_dir=run_dir, clock=SystemClock(), redactor=redactor)
    plugin = plugin_for(all_params()[raw["type"]].model_validate(raw))
    with ProjectLock(Path(state_dir), settings.project.name, run_id), \
            Journal(run_dir / "journal.jsonl", redactor=redactor) as journal:
        journal.append("run.started", run_id=run_id, target=driver.describe())
        await plugin.check(env)
        interrupts = Interrupts()
        stack = FaultStack(env, journal, recover_flags=f"--state-dir {state_dir}",
                           interrupts=interrupts)
        with aborted_when_interrupted(interrupts), \
                reverting_on_signals(interrupts, lambda: len(stack.active)):
            async with stack:
                result = await stack.inject(plugin, 0)
                print("injected", json.dumps(redactor.redact_obj(result)), flush=True)
                await asyncio.sleep(hold)
    print("done", flush=True)

try:
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4])))
except DrillError as exc:
    print(f"error: {exc}", file=sys.stderr, flush=True)
    sys.exit(int(exc.exit_code))
"""
