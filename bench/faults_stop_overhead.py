"""Orchestration overhead of the stop-service fault: drillctl's inject + revert (journalled,
through the FaultStack) against the bare ``docker compose stop`` + ``docker compose start`` of the
same service, alternated in the same run. Target: within 1.2x.

    .venv/bin/python bench/faults_stop_overhead.py [--service ebit-game] [--rounds 7]

Runs against the lab project named by EBIT_LAB_PROJECT (default ebit-lab), which must be up
(`drillctl lab up`); its EBIT_LAB_*_PORT variables are read from the environment as compose does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from drillctl.config import load_settings
from drillctl.core.clock import SystemClock
from drillctl.core.journal import Journal
from drillctl.core.redact import Redactor
from drillctl.engine.rollback import FaultStack
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.lab.stack import DEFAULT_PROJECT, LabStack
from drillctl.target.factory import build_driver

REPO = Path(__file__).resolve().parents[1]


def bare(lab: LabStack, service: str) -> float:
    started = time.perf_counter()
    for verb in ("stop", "start"):
        subprocess.run([*lab.compose_args(), verb, service], check=True, capture_output=True)
    return time.perf_counter() - started


def drillctl(lab: LabStack, service: str, state_dir: Path, round_no: int) -> tuple[float, float]:
    """(inject + revert seconds, check seconds): the preflight check is timed apart."""
    overrides = {
        "project": {
            "dir": lab.project_dir,
            "files": [str(f) for f in lab.compose_files],
            "name": lab.project_name,
        }
    }
    driver = build_driver(load_settings(env={}, cwd=REPO, overrides=overrides))
    run_dir = state_dir / "runs" / f"bench-{round_no}"
    env = FaultEnv(driver, run_dir, SystemClock(), Redactor())
    raw = {"type": "stop-service", "service": service, "duration": "1s"}
    fault = plugin_for(all_params()["stop-service"].model_validate(raw))

    async def go() -> tuple[float, float]:
        t0 = time.perf_counter()
        await fault.check(env)
        t1 = time.perf_counter()
        with Journal(run_dir / "journal.jsonl") as journal:
            async with FaultStack(env, journal) as stack:
                await stack.inject(fault, 0)
        return time.perf_counter() - t1, t1 - t0

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="ebit-game")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    lab = LabStack(project_name=os.environ.get("EBIT_LAB_PROJECT", DEFAULT_PROJECT))
    bare_s, ours_s, check_s = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        bare(lab, args.service)  # warm-up: caches, images, the compose plugin
        for n in range(args.rounds):
            bare_s.append(bare(lab, args.service))
            ours, check = drillctl(lab, args.service, Path(tmp), n)
            ours_s.append(ours)
            check_s.append(check)
    b, o, c = (statistics.median(x) for x in (bare_s, ours_s, check_s))
    print(f"service {args.service} on project {lab.project_name}, {args.rounds} rounds, medians:")
    print(f"  bare docker compose stop + start : {b:6.3f} s")
    print(f"  drillctl inject + revert          : {o:6.3f} s   ratio {o / b:.2f}x (target <= 1.2x)")
    print(f"  drillctl preflight check (apart)  : {c:6.3f} s   (compose config + container state)")
    print(f"  all rounds bare  : {' '.join(f'{x:.2f}' for x in bare_s)}")
    print(f"  all rounds ours  : {' '.join(f'{x:.2f}' for x in ours_s)}")


if __name__ == "__main__":
    main()
