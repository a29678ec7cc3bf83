"""Build and start-up times of the reference lab.

    .venv/bin/python bench/lab_startup.py [--project ebit-lab-bench] [--cold] [--keep]

Times: image build (``--cold``: ``docker compose build --no-cache``, a true cold build that leaves
other projects' build cache alone; otherwise a cached build), then ``up`` from nothing (fresh
Postgres volume: initdb + seed) to every service healthy, then a warm restart (down, up).
Ports are taken from EBIT_LAB_<NAME>_PORT, so run it beside a lab on other ports if needed.
"""

from __future__ import annotations

import argparse
import subprocess
import time

from drillctl.lab.stack import LabStack


def timed(label: str, call: object) -> float:
    started = time.monotonic()
    call()  # type: ignore[operator]
    took = time.monotonic() - started
    print(f"{label:<48}{took:>8.1f} s")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="ebit-lab-bench")
    parser.add_argument("--cold", action="store_true", help="rebuild the images without cache")
    parser.add_argument("--keep", action="store_true", help="leave the lab running at the end")
    args = parser.parse_args()
    stack = LabStack(args.project)
    stack.down(volumes=True)
    build = [*stack.compose_args(), "--profile", "smoke", "build", "--quiet"]
    build += ["--no-cache"] if args.cold else []
    label = "image build (cold, --no-cache)" if args.cold else "image build (cached)"
    timed(label, lambda: subprocess.run(build, env=stack.env, check=True, capture_output=True))
    timed("up from nothing to healthy (fresh volume)", lambda: stack.up(smoke=True, build=False))
    timed("down", stack.down)
    timed("up again to healthy (existing volume)", lambda: stack.up(smoke=True, build=False))
    if not args.keep:
        stack.down(volumes=True)


if __name__ == "__main__":
    main()
