"""Network and resource faults on the lab: preflight, inject and revert time of each, and the
effect measured against what was asked (added p50/p95 for a 200 ms delay, observed loss for 30 %
loss, the limits in force...). Each fault is held a few seconds under the lab's smoke traffic.

    .venv/bin/python bench/faults_network.py [--hold 5] [--rounds 3]

Runs against the lab project named by EBIT_LAB_PROJECT (default ebit-lab), which must be up with
its smoke traffic (`drillctl lab up --smoke`); EBIT_LAB_*_PORT are read from the environment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from drillctl.config import load_settings
from drillctl.core.clock import SystemClock
from drillctl.core.redact import Redactor
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import all_params, plugin_for
from drillctl.lab.stack import DEFAULT_PROJECT, LabStack
from drillctl.target.factory import build_driver

REPO = Path(__file__).resolve().parents[1]
API = "ebit-api"
FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("200 ms toward ebit-postgres:5432",
     {"type": "network-latency", "delay": "200ms", "to": ["ebit-postgres"], "ports": [5432]}),
    ("200 ms ± 50 ms jitter",
     {"type": "network-latency", "delay": "200ms", "jitter": "50ms", "to": ["ebit-postgres"],
      "ports": [5432]}),
    ("30 % loss, every peer", {"type": "network-loss", "percent": 30}),
    ("partition from ebit-redis-cache",
     {"type": "network-partition", "peers": ["ebit-redis-cache"]}),
    ("200 kbit/s egress", {"type": "network-bandwidth", "rate": "200kbit"}),
    ("ebit-postgres -> NXDOMAIN", {"type": "network-dns", "host": "ebit-postgres"}),
    ("ebit-postgres -> 10.9.9.9",
     {"type": "network-dns", "host": "ebit-postgres", "address": "10.9.9.9"}),
    ("0.5 CPU", {"type": "cpu-limit", "cpus": 0.5}),
    ("20 MiB in /tmp", {"type": "disk-fill", "path": "/tmp", "size": "20m"}),
]  # fmt: skip
# memory-limit on an unlimited service reverts by recreating it: measured on ebit-game, apart
MEMORY = ("300 MiB on ebit-game (revert recreates)",
          {"type": "memory-limit", "memory": "300m", "service": "ebit-game"})  # fmt: skip


def lab_env(lab: LabStack, state_dir: Path, run: str) -> FaultEnv:
    overrides = {
        "project": {
            "dir": lab.project_dir,
            "files": [str(f) for f in lab.compose_files],
            "name": lab.project_name,
        }
    }
    driver = build_driver(load_settings(env={}, cwd=REPO, overrides=overrides))
    return FaultEnv(driver, state_dir / "runs" / run, SystemClock(), Redactor())


async def one(env: FaultEnv, raw: dict[str, Any], hold: float) -> dict[str, Any]:
    plugin = plugin_for(all_params()[raw["type"]].model_validate(raw))
    t0 = time.perf_counter()
    await plugin.check(env)
    t1 = time.perf_counter()
    undo = plugin.undo()
    result = await plugin.inject(env)
    t2 = time.perf_counter()
    await asyncio.sleep(hold)
    t3 = time.perf_counter()
    reverted = await type(plugin).revert(env, undo, result)
    t4 = time.perf_counter()
    effect = reverted.get("effect") or result.get("effect") or {}
    return {"check": t1 - t0, "inject": t2 - t1, "revert": t4 - t3, "effect": effect}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=5.0, help="seconds each fault is held")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    lab = LabStack(project_name=os.environ.get("EBIT_LAB_PROJECT", DEFAULT_PROJECT))
    print(f"lab {lab.project_name}, hold {args.hold:g} s, {args.rounds} rounds, medians (seconds)")
    print(f"{'fault':42} {'check':>6} {'inject':>6} {'revert':>6}  measured effect (last round)")
    with tempfile.TemporaryDirectory() as tmp:
        env = lab_env(lab, Path(tmp), "bench-network")
        for label, raw in [*FAULTS, MEMORY]:
            runs = [
                asyncio.run(one(env, {"service": API, "duration": "1m", **raw}, args.hold))
                for _ in range(args.rounds)
            ]
            med = {k: statistics.median(r[k] for r in runs) for k in ("check", "inject", "revert")}
            effect = runs[-1]["effect"]
            flag = "" if effect.get("measured") else "  [NO MEASURABLE EFFECT]"
            print(
                f"{label:42} {med['check']:6.2f} {med['inject']:6.2f} {med['revert']:6.2f}  "
                f"{effect.get('summary')}{flag}"
            )
            if raw["type"] == "network-latency":
                added = [(r["effect"].get("added_p50_ms"), r["effect"].get("added_p95_ms"))
                         for r in runs]  # fmt: skip
                print(f"{'':42} added p50/p95 per round (ms): {added}")
            if raw["type"] == "network-loss":
                print(f"{'':42} observed loss per round (%): "
                      f"{[r['effect'].get('observed') for r in runs]}")  # fmt: skip


if __name__ == "__main__":
    main()
