"""Wall time of the nightly suite: `drillctl suite --all --lab` with the CI cut of each drill.

Runs the real command (lab start, four drills, settles, lab teardown) on a lab of its own and
prints the figures from its JSON summary: total wall time, lab start, and per scenario the settle
before it, the drill, time to detect and time to recover; plus the load average, since the
figures mean little without it. Target (issue 7): all four, lab start included, under 12 minutes
on 2 cores. Usage:

    .venv/bin/python bench/suite_wall_time.py [--project ebit-suite-bench] [--port-base 47000]

--port-base moves every lab port (EBIT_LAB_<NAME>_PORT) so the bench can run beside other labs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# the CI cut of tests/lab/test_suite_all.py and the Makefile's test-suite
SETS = (REPO / "tests" / "lab" / "ci-cut.args").read_text(encoding="utf-8").split()
PORTS = {
    "EBIT_API": 80,
    "PROMETHEUS": 90,
    "ALERTMANAGER": 93,
    "REDIS": 379,
    "POSTGRES": 432,
    "EBIT_EXPORTER": 400,
    "REDIS_EXPORTER": 121,
}


def environment(project: str, port_base: int | None, state: Path) -> dict[str, str]:
    env = dict(os.environ, DRILLCTL_PROJECT_NAME=project, DRILLCTL_STATE_DIR=str(state))
    if port_base is not None:
        env |= {f"EBIT_LAB_{name}_PORT": str(port_base + n) for name, n in PORTS.items()}
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="ebit-suite-bench")
    parser.add_argument("--port-base", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="suite-bench-") as tmp:
        summary = Path(tmp) / "suite.json"
        argv = [sys.executable, "-m", "drillctl", "suite", "--all", "--lab", *SETS]
        argv += ["--json", str(summary), "--junit", str(Path(tmp) / "junit.xml")]
        load_before = os.getloadavg()
        started = time.monotonic()
        done = subprocess.run(
            argv, cwd=REPO, env=environment(args.project, args.port_base, Path(tmp) / "state"),
            stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
        )  # fmt: skip
        total = time.monotonic() - started
        load_after = os.getloadavg()
        if not summary.is_file():
            print(done.stdout[-3000:], done.stderr[-3000:])
            return done.returncode or 1
        report(json.loads(summary.read_text(encoding="utf-8")), total, done.returncode)
    print(f"cores {os.cpu_count()}, load average before {load_before[0]:.1f}, "
          f"after {load_after[0]:.1f} (1 min)")  # fmt: skip
    return 0


def report(data: dict, total: float, code: int) -> None:
    print(f"suite exit {code}: {data['result']}")
    print(f"wall time, command start to exit (lab up and down included): {total:.0f} s")
    print(
        f"  lab start: {data['lab_s']:.0f} s; suite wall (lab start, settles, drills; lab "
        f"teardown excluded): {data['wall_s']:.0f} s"
    )
    for s in data["scenarios"]:
        d = s["durations"]
        settle = s["settle"]["seconds"] if s["settle"] else 0.0
        print(
            f"  {s['scenario']:<22} {s['result']:<8} settle {settle:5.0f} s  drill "
            f"{d['drill_s'] or 0:5.0f} s  detect {_s(d['detect_s'])}  recover {_s(d['recover_s'])}"
        )


def _s(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.1f} s"


if __name__ == "__main__":
    sys.exit(main())
