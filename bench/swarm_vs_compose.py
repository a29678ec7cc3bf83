"""Inject and revert time of each service fault on the swarm lab against the compose lab, in the
same run (alternating, so both see the same machine load). Prints seconds per fault and driver.

    .venv/bin/python bench/swarm_vs_compose.py --compose-project ebit-bench --stack ebit-swarm

Both labs must be up: `drillctl lab up -p PROJECT` (with its own EBIT_LAB_*_PORT set) and
`drillctl lab up --swarm -p STACK`. Each fault goes through its plugin as the engine drives it:
check, undo, inject (timed), revert (timed), then a wait until the service is healthy again.
A fault the swarm driver refuses (pause-service on a service with a healthcheck) prints its reason.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from drillctl.config import load_settings
from drillctl.core.clock import SystemClock
from drillctl.core.errors import DrillError
from drillctl.core.redact import Redactor
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.lab.stack import default_lab_dir
from drillctl.target.base import TargetDriver
from drillctl.target.factory import build_driver

REPO = Path(__file__).resolve().parents[1]
FAULTS: list[dict[str, Any]] = [
    {"type": "stop-service", "service": "ebit-api", "duration": "1s"},
    {"type": "kill-service", "service": "ebit-api"},
    {"type": "restart-service", "service": "ebit-api"},
    {"type": "env-override", "service": "ebit-api", "environment": {"WS_HANDSHAKE_RATE": "6"}},
    {"type": "exec", "service": "ebit-redis-cache",
     "argv": ["redis-cli", "-a", "cache", "--no-auth-warning", "PING"]},
    {"type": "pause-service", "service": "ebit-api", "duration": "1s"},
]  # fmt: skip


def driver(kind: str, name: str) -> TargetDriver:
    lab = default_lab_dir()
    project = {"dir": lab, "files": [str(lab / "compose.yaml")], "name": name, "driver": kind}
    return build_driver(load_settings(env={}, cwd=REPO, overrides={"project": project}))


async def one(target: TargetDriver, raw: dict[str, Any], run_dir: Path) -> tuple[float, float]:
    """(inject seconds, revert seconds) of one fault, as the engine drives it."""
    env = FaultEnv(target, run_dir, SystemClock(), Redactor())
    fault = plugin_for(all_params()[raw["type"]].model_validate(raw))
    await fault.check(env)
    undo = fault.undo()
    t0 = time.perf_counter()
    result = await fault.inject(env)
    t1 = time.perf_counter()
    await type(fault).revert(env, undo, result)
    return t1 - t0, time.perf_counter() - t1


def measure(target: TargetDriver, raw: dict[str, Any], run_dir: Path) -> tuple[float, float] | str:
    try:
        return asyncio.run(one(target, raw, run_dir))
    except DrillError as exc:
        return f"refused: {exc.message}"
    finally:
        target.wait_healthy([raw["service"]], 180)


def cell(values: list[tuple[float, float] | str]) -> str:
    timed = [v for v in values if not isinstance(v, str)]
    if not timed:
        return str(values[0])[:60]
    inject = statistics.median(v[0] for v in timed)
    revert = statistics.median(v[1] for v in timed)
    return f"inject {inject:6.2f} s  revert {revert:6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compose-project", default="ebit-lab")
    parser.add_argument("--stack", default="ebit-lab")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    targets = {"compose": driver("compose", args.compose_project),
               "swarm": driver("swarm", args.stack)}  # fmt: skip
    results: dict[tuple[str, str], list[tuple[float, float] | str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            for raw in FAULTS:
                for kind, target in targets.items():
                    run_dir = Path(tmp) / f"{kind}-{raw['type']}-{n}"
                    results.setdefault((raw["type"], kind), []).append(
                        measure(target, raw, run_dir)
                    )
    print(f"medians of {args.rounds} rounds; compose project {args.compose_project}, swarm stack "
          f"{args.stack} (ebit-api: 1 container on compose, 2 tasks on swarm)")  # fmt: skip
    for raw in FAULTS:
        for kind in targets:
            print(f"  {raw['type']:<16} {kind:<8} {cell(results[(raw['type'], kind)])}")


if __name__ == "__main__":
    main()
