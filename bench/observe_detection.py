"""Observer benchmark on the reference lab (run with the lab up: `drillctl lab up --smoke`).

1. Detection latency — fault injected by hand (docker compose CLI) → symptom mark — for
   bullmq-backpressure (stop ebit-api) and signin-failure-spike (recreate ebit-api with a wrong
   ADMIN_DEFAULT_PASSWORD), ``--runs`` each (default 5), polling at 1 s against 1 s scrapes.
   Reported: the onset latency (fault → ``first_breach_at``, the symptom mark of the journal)
   and the confirmation latency (fault → ``confirmed_at``, which includes the rule's ``for``).
2. The observer's own cost while polling every source at 1 s for ``--load-seconds``: CPU as a
   share of one core (this process; and with the ``docker compose logs`` children it spawns) and
   peak RSS.

    .venv/bin/python bench/observe_detection.py [--runs 5] [--load-seconds 60] [--skip-latency]
                                                [--project ebit-lab]

By default it brings up its own lab (project ``ebit-obsbench`` on free ports) and takes it down
afterwards, so no other lab user can stop it mid-measurement; ``--project NAME`` measures an
already running lab instead (default ports, or the EBIT_LAB_<NAME>_PORT variables).
Prints figures; asserts nothing (tests never assert speed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "lab"))

from observe_lab import (
    compose,
    drill_by_hand,
    drill_lock,
    ensure_smoke,
    lab_observer,
    scenario,
)

from drillctl.lab.endpoints import DEFAULT_PORTS, port_env_name
from drillctl.lab.stack import LabStack
from drillctl.scenario.model import scenario_model

WRONG_PASSWORD = "services:\n  ebit-api:\n    environment:\n      ADMIN_DEFAULT_PASSWORD: wrong\n"


def faults(lab: LabStack, name: str, scratch: Path) -> tuple[Any, Any]:
    async def run(*args: str) -> None:
        await asyncio.to_thread(compose, lab, *args)

    if name == "bullmq-backpressure":
        return (lambda: run("stop", "ebit-api")), (lambda: run("start", "ebit-api"))
    override = scratch / "wrong-password.yaml"
    override.write_text(WRONG_PASSWORD)
    recreate = ["up", "-d", "--no-deps", "--force-recreate"]

    async def inject() -> None:
        await run("-f", str(override), *recreate, "ebit-api")

    async def revert() -> None:
        await run(*recreate, "--wait", "ebit-api")

    return inject, revert


def latency_runs(lab: LabStack, name: str, runs: int) -> list[dict[str, float]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        inject, revert = faults(lab, name, Path(tmp))
        for i in range(runs):
            drill = asyncio.run(
                drill_by_hand(
                    lab,
                    scenario(name),
                    Path(tmp) / f"{i}.jsonl",
                    inject,
                    revert,
                    baseline=timedelta(seconds=20),
                    symptom_timeout=120,
                    recovery_timeout=300,
                )
            )
            onset = drill.first_symptom_latency()
            primary = {s.name for s in drill.observer.scenario.signals if s.primary}
            first = min(
                (e for e in drill.events("symptom") if e["signal"] in primary),
                key=lambda e: e["first_breach_at"],
            )
            confirmed = (
                drill.observer.detectors[first["signal"]].marks[0].confirmed_at - drill.injected_at
            ).total_seconds()
            earliest, any_onset = drill.earliest_any_signal()
            assert drill.inject_returned_at is not None
            command = (drill.inject_returned_at - drill.injected_at).total_seconds()
            print(
                f"  {name} run {i + 1}: onset {onset:.2f}s ({first['signal']}), "
                f"confirmed {confirmed:.2f}s; first of any signal {any_onset:.2f}s ({earliest}); "
                f"the fault command itself took {command:.2f}s",
                flush=True,
            )
            results.append({"onset": onset, "confirmed": confirmed, "any": any_onset})
            compose(lab, "up", "-d", "--wait", "ebit-api")
            time.sleep(10)  # let the rate() windows forget the fault before the next baseline
    return results


def every_source_scenario(lab: LabStack) -> Any:
    e = lab.endpoints
    redis = f"redis://:{e.redis_password}@{e.redis_host}:{e.redis_port}/0"
    pg = e.postgres_dsn
    data = scenario("bullmq-backpressure").model_dump(
        mode="json", by_alias=True, exclude_unset=True
    )
    data["signals"] += [
        {
            "name": "am_api_down",
            "source": "alertmanager",
            "query": "EbitApiDown",
            "symptom": {"above": 0},
        },
        {
            "name": "api_errors",
            "source": "logs",
            "service": "ebit-api",
            "query": '"level": "error"',
            "symptom": {"above": 10},
        },
        {
            "name": "error_spans",
            "source": "jaeger",
            "service": "ebit-api",
            "query": "",
            "symptom": {"above": 10},
        },
        {
            "name": "api_latency",
            "source": "http",
            "query": f"{e.api_url}/health",
            "unit": "ms",
            "symptom": {"above": 1000},
        },
        {
            "name": "redis_port",
            "source": "tcp",
            "query": f"{e.redis_host}:{e.redis_port}",
            "symptom": {"below": 1},
        },
        {
            "name": "redis_keys",
            "source": "redis",
            "query": "DBSIZE",
            "dsn": redis,
            "symptom": {"below": 0},
        },
        {
            "name": "bets",
            "source": "sql",
            "query": "SELECT count(*) FROM bets",
            "dsn": pg,
            "symptom": {"below": 0},
        },
    ]
    return scenario_model().model_validate(data)


async def load(lab: LabStack, seconds: float) -> dict[str, float]:
    me = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        scenario_ = every_source_scenario(lab)
        async with lab_observer(lab, scenario_, Path(tmp) / "load.jsonl") as observer:
            await observer.collect_baseline(timedelta(seconds=5))
            cpu0, child0, wall0 = me.cpu_times(), os.times(), time.monotonic()
            peak = me.memory_info().rss
            polls = 0
            while time.monotonic() - wall0 < seconds:
                started = time.monotonic()
                await observer.poll_once()
                polls += 1
                peak = max(peak, me.memory_info().rss)
                await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
            wall = time.monotonic() - wall0
            cpu1, child1 = me.cpu_times(), os.times()
            down = observer.unavailable_sources()
    own = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / wall
    children = (
        child1.children_user
        + child1.children_system
        - child0.children_user
        - child0.children_system
    ) / wall
    return {
        "wall": wall,
        "polls": polls,
        "own": own,
        "with_children": own + children,
        "rss_mb": peak / 2**20,
        "down": len(down),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def bench_lab(project: str | None) -> Iterator[LabStack]:
    """An existing lab (``--project``), or a private one on free ports, taken down afterwards."""
    if project:
        yield LabStack(project_name=project)
        return
    ports = {port_env_name(name): str(free_port()) for name in DEFAULT_PORTS}
    lab = LabStack(project_name="ebit-obsbench", env=ports)
    print("bringing up a private lab (ebit-obsbench)...", flush=True)
    lab.up(smoke=True)
    try:
        wait_steady(lab)
        yield lab
    finally:
        lab.down(volumes=True)


def wait_steady(lab: LabStack, timeout: float = 180) -> None:
    """Every target up and smoke traffic flowing, as the lab fixture waits for."""
    exprs = ["min(up)", 'sum(rate(http_requests_total{route="/api/games"}[10s])) > bool 1']
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=lab.endpoints.prometheus_url, timeout=5) as client:
        while time.monotonic() < deadline:
            values = []
            for expr in exprs:
                with contextlib.suppress(httpx.HTTPError, KeyError, IndexError, ValueError):
                    values.append(
                        client.get("/api/v1/query", params={"query": expr}).json()["data"][
                            "result"
                        ][0]["value"][1]
                    )
            if values == ["1", "1"]:
                time.sleep(15)  # let the rate() windows fill with steady traffic
                return
            time.sleep(1)
    raise RuntimeError("the bench lab did not reach a steady state")


def report_latency(name: str, results: list[dict[str, float]]) -> None:
    words = {
        "onset": "primary signal, first breach (the journal's symptom mark)",
        "confirmed": "primary signal, confirmed (after the rule's `for`)",
        "any": "first signal of any kind to break",
    }
    for key, text in words.items():
        values = [r[key] for r in results]
        print(f"  {name}: {text}: median {statistics.median(values):.2f}s, max {max(values):.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--project", help="measure this running lab instead of a private one")
    args = parser.parse_args()
    with bench_lab(args.project) as lab, drill_lock(lab):
        ensure_smoke(lab)
        if not args.skip_latency:
            for name in ("bullmq-backpressure", "signin-failure-spike"):
                print(f"detection latency: {name} ({args.runs} runs, 1 s poll)", flush=True)
                report_latency(name, latency_runs(lab, name, args.runs))
        print(f"observer cost: every source at 1 s for {args.load_seconds:g}s", flush=True)
        figures = asyncio.run(load(lab, args.load_seconds))
    print(f"  {figures['polls']} polls in {figures['wall']:.1f}s, {figures['down']} unavailable")
    print(
        f"  CPU {figures['own'] * 100:.1f}% of one core (this process), "
        f"{figures['with_children'] * 100:.1f}% with its docker compose logs children"
    )
    print(f"  peak RSS {figures['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
