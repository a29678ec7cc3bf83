"""Observer benchmark on the reference lab (run with the lab up: `drillctl lab up --smoke`).

1. Detection latency of the four seed drills (``--drills`` to choose), each run for real
   (``drillctl run NAME --non-interactive`` with the CI cut of tests/lab/ci-cut.args, polling at
   1 s against 1 s scrapes), ``--runs`` each (default 5). Printed per run from its journal: fault
   effective (``fault.injected`` ``effective_at``) → the detect mark the report times detection
   with (``at.symptom``), and → the first ``firing`` of the scenario's expected alert as
   Prometheus reported it; and how long the fault command itself took.
2. The observer's own cost while polling every source at 1 s for ``--load-seconds``: CPU as a
   share of one core (this process; and with any child process it spawns: none since the logs
   source reads the Engine API in-process, target/sdk_logs.py) and peak RSS.

    .venv/bin/python bench/observe_detection.py [--runs 5] [--load-seconds 60] [--skip-latency]
                                                [--project ebit-lab] [--drills NAME ...]

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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "lab"))

from observe_lab import drill_lock, ensure_smoke, lab_observer, scenario
from run_support import REPO, run_drill

from drillctl.core.journal import parse_line
from drillctl.lab.endpoints import DEFAULT_PORTS, port_env_name
from drillctl.lab.stack import LabStack
from drillctl.report.summary import summarize
from drillctl.scenario.model import scenario_model

SEEDS = ["bullmq-backpressure", "redis-cache-flush", "signin-failure-spike", "ws-handshake-storm"]


def drill_runs(lab: LabStack, name: str, runs: int) -> list[dict[str, float | None]]:
    """Run the seed drill for real (``drillctl run``, the CI cut, 1 s poll) and read its journal:
    fault effective -> the detect mark the report times detection with, and -> the first
    ``firing`` of the scenario's expected alert as Prometheus reported it."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            state = Path(tmp) / str(i)
            run = run_drill(lab, state, name, *cut_for(name), timeout=900)
            marks = journal_marks(name, run.events())
            results.append(marks)
            print(f"  {name} run {i + 1}: exit {run.code}; {marks_words(marks)}", flush=True)
            settle(lab, name)
    return results


def settle(lab: LabStack, name: str, timeout: float = 240) -> None:
    """Wait until none of the scenario's expected alerts is pending or firing any more, then 10 s
    for the rate() windows to forget the fault: a flushed cache re-warms for a minute or more, and
    a run started before would measure its baseline on the last run's symptom (and exit 1)."""
    names = "|".join(a.name for a in scenario(name).expect.alerts)
    query = f'count(ALERTS{{alertname=~"{names}"}}) or vector(0)'
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=lab.endpoints.prometheus_url, timeout=5) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError, KeyError, IndexError, ValueError):
                body = client.get("/api/v1/query", params={"query": query}).json()
                if float(body["data"]["result"][0]["value"][1]) == 0:
                    break
            time.sleep(2)
    time.sleep(10)


def cut_for(name: str) -> list[str]:
    """tests/lab/ci-cut.args for ``drillctl run`` of one drill (NAME: settings resolved)."""
    words = (REPO / "tests" / "lab" / "ci-cut.args").read_text(encoding="utf-8").split()
    chosen: dict[str, str] = {}
    for value in words[1::2]:
        key, _, rest = value.partition("=")
        scope, _, field = key.rpartition(":")
        if scope in ("", name):
            chosen[field] = rest
    return [arg for key, value in chosen.items() for arg in ("--set", f"{key}={value}")]


def journal_marks(name: str, events: list[dict[str, Any]]) -> dict[str, float | None]:
    summary = summarize([parse_line(e) for e in events])
    effective = summary.at.effective or summary.at.injected
    firing: dict[str, datetime] = {}
    for e in events:
        data = e["data"]
        if (e["type"], data.get("state"), data.get("source")) == ("alert", "firing", "prometheus"):
            firing.setdefault(str(data.get("name")), parse_line(e).ts)
    injected = next((e for e in events if e["type"] == "fault.injected"), None)
    command = None
    if injected is not None and summary.at.injected is not None:
        started = next(e for e in events if e["type"] == "fault.inject-started")
        command = (summary.at.injected - parse_line(started).ts).total_seconds()

    def since(at: datetime | None) -> float | None:
        return None if at is None or effective is None else (at - effective).total_seconds()

    expected = [a.name for a in scenario(name).expect.alerts]
    return {
        "detect": since(summary.at.symptom),
        "alert": min(
            (v for a in expected if (v := since(firing.get(a))) is not None), default=None
        ),
        "command": command,
        **{f"alert {a}": since(firing.get(a)) for a in expected},
    }


def marks_words(marks: dict[str, float | None]) -> str:
    def s(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}s"

    earlier = marks["detect"] is not None and (
        marks["alert"] is None or marks["detect"] < marks["alert"]
    )
    alerts = ", ".join(
        f"{key.removeprefix('alert ')} {s(value)}"
        for key, value in marks.items()
        if key.startswith("alert ")
    )
    return (
        f"fault effective -> detect mark {s(marks['detect'])}; -> first firing of the expected "
        f"alerts: {alerts} (detect {'earlier than all' if earlier else 'NOT earlier than'} "
        f"the first); the fault command took {s(marks['command'])}"
    )


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


def report_latency(name: str, results: list[dict[str, float | None]]) -> None:
    detects = [r["detect"] for r in results if r["detect"] is not None]
    earlier = sum(
        1
        for r in results
        if r["detect"] is not None and (r["alert"] is None or r["detect"] < r["alert"])
    )
    median = f"{statistics.median(detects):.2f}s" if detects else "-"
    print(
        f"  {name}: fault effective -> detect mark: median {median} over {len(detects)} runs; "
        f"earlier than the alert in {earlier}/{len(results)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--drills", nargs="*", help="seed drills to time (default: all four)")
    parser.add_argument("--project", help="measure this running lab instead of a private one")
    args = parser.parse_args()
    with bench_lab(args.project) as lab, drill_lock(lab):
        ensure_smoke(lab)
        if not args.skip_latency:
            for name in args.drills or SEEDS:
                print(f"detection latency: {name} ({args.runs} runs, 1 s poll)", flush=True)
                report_latency(name, drill_runs(lab, name, args.runs))
        print(f"observer cost: every source at 1 s for {args.load_seconds:g}s", flush=True)
        figures = asyncio.run(load(lab, args.load_seconds))
    print(f"  {figures['polls']} polls in {figures['wall']:.1f}s, {figures['down']} unavailable")
    print(
        f"  CPU {figures['own'] * 100:.1f}% of one core (this process), "
        f"{figures['with_children'] * 100:.1f}% with its children"
    )
    print(f"  peak RSS {figures['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
