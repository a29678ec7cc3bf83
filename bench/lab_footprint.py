"""Idle footprint of the reference lab: CPU (% of one core) and memory per service (docker stats).

    .venv/bin/python bench/lab_footprint.py [--project ebit-lab] [--samples 10] [--up] [--smoke]

Samples ``docker stats --no-stream`` for the project's containers and prints the mean per service
and the totals against the budget (15 % of one core, 1.5 GiB). ``--up`` starts the lab first;
without ``--smoke`` the smoke container, if running, is reported but left out of the idle total.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time

from drillctl.lab.stack import DEFAULT_PROJECT, LabStack

CPU_BUDGET = 15.0  # % of one core
MEM_BUDGET = 1.5 * 1024**3
_UNITS = {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def to_bytes(text: str) -> float:
    match = re.match(r"([\d.]+)\s*([A-Za-z]+)", text.strip())
    return float(match.group(1)) * _UNITS.get(match.group(2), 1) if match else 0.0


def sample(project: str) -> dict[str, tuple[float, float]]:
    ids = subprocess.run(
        ["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    out = subprocess.run(
        ["docker", "stats", "--no-stream", "--format", "{{json .}}", *ids],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stats = {}
    for line in out.splitlines():
        row = json.loads(line)
        service = row["Name"].removeprefix(f"{project}-").rsplit("-", 1)[0]
        stats[service] = (
            float(row["CPUPerc"].rstrip("%")),
            to_bytes(row["MemUsage"].split("/")[0]),
        )
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=DEFAULT_PROJECT)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--up", action="store_true", help="start the lab first")
    parser.add_argument("--smoke", action="store_true", help="count smoke traffic in the total")
    args = parser.parse_args()
    if args.up:
        LabStack(args.project).up(smoke=args.smoke)
        time.sleep(20)  # let start-up work settle
    runs = [sample(args.project) for _ in range(args.samples)]
    services = sorted({s for run in runs for s in run})
    total_cpu = total_mem = 0.0
    print(f"{'service':<20}{'cpu % (1 core)':>16}{'memory MiB':>12}")
    for service in services:
        cpu = statistics.mean(run.get(service, (0.0, 0.0))[0] for run in runs)
        mem = statistics.mean(run.get(service, (0.0, 0.0))[1] for run in runs)
        counted = args.smoke or service != "smoke"
        total_cpu += cpu if counted else 0.0
        total_mem += mem if counted else 0.0
        print(
            f"{service:<20}{cpu:>16.2f}{mem / 1024**2:>12.1f}{'' if counted else '  (not counted)'}"
        )
    verdict = "OK" if total_cpu < CPU_BUDGET and total_mem < MEM_BUDGET else "OVER BUDGET"
    print(
        f"{'total':<20}{total_cpu:>16.2f}{total_mem / 1024**2:>12.1f}   {verdict}"
        f" (budget {CPU_BUDGET:.0f} % of a core, {MEM_BUDGET / 1024**3:.1f} GiB)"
    )


if __name__ == "__main__":
    main()
