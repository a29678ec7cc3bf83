"""ws-storm bench: drillctl's storm client against python-socketio's AsyncClient and Artillery.

Handshake = websocket upgrade, Engine.IO open, namespace connect acknowledged (or refused), close.
Every client runs pinned to CPU 0 and the Node server to CPU 1, so "per client core" means one.
Targets: a Node socket.io v4 server installed from npm for the bench only (bench/.node/, ignored:
it needs about 0.3-0.5 ms of CPU per handshake, so the client's ceiling shows) and, with --lab, the
lab gateway (python-socketio, ~1,000 handshakes/s per core: there the server is the limit).

    .venv/bin/python bench/faults_ws_storm.py [--count 6000] [--lab] [--no-artillery]

Prints handshakes/s seen (bounded by the server when it is the slower side), client CPU ms per
handshake and the rate one client core could sustain at that cost, max RSS, start-up, how long
200 clients take to connect, and the CPU a storm paced at 5/s burns (a pacer must not spin).
Targets for drillctl: >= 2,000/s per client core, <= 0.5 ms CPU each, 200 clients < 1 s,
start-up < 0.5 s, < 60 MB.
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
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
NODE_DIR = BENCH / ".node"
NODE_PORT = 19555
CLIENT_CPU, SERVER_CPU = {0}, {1}
NODE_SERVER = """
const { Server } = require("socket.io");
const io = new Server(Number(process.argv[2]), { transports: ["websocket", "polling"] });
io.on("connection", () => {});
console.log("listening");
"""
SOCKETIO_PEER = """
import asyncio, json, resource, sys, time
import socketio
url, clients, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
done = {"ok": 0, "err": 0}
async def loop(budget):
    while budget:
        budget -= 1
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(url, transports=["websocket"], wait_timeout=10)
            done["ok"] += 1
        except Exception:
            done["err"] += 1
        finally:
            await client.disconnect()
async def main():
    started = time.perf_counter()
    await asyncio.gather(*(loop(count // clients) for _ in range(clients)))
    return time.perf_counter() - started
wall = asyncio.run(main())
u = resource.getrusage(resource.RUSAGE_SELF)
n = done["ok"] + done["err"]
print(json.dumps({"handshakes": n, "accepted": done["ok"], "per_second": n / wall,
                  "cpu_ms_per_handshake": (u.ru_utime + u.ru_stime) * 1000 / max(n, 1),
                  "max_rss_mb": u.ru_maxrss / 1024}))
"""


def pinned(cpus: set[int]) -> Any:
    return lambda: os.sched_setaffinity(0, cpus)


def ensure_node_packages() -> None:
    if (NODE_DIR / "node_modules" / "socket.io").is_dir() and (
        NODE_DIR / "node_modules" / ".bin" / "artillery"
    ).exists():
        return
    NODE_DIR.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "ARTILLERY_DISABLE_TELEMETRY": "true",
    }
    # not `npm init -y`: it derives the package name from the folder, and npm refuses ".node"
    manifest = {"name": "drillctl-bench-peers", "version": "0.0.0", "private": True}
    (NODE_DIR / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    subprocess.run(
        ["npm", "i", "--no-audit", "--no-fund", "socket.io@4", "artillery@2.0.34"],
        cwd=NODE_DIR,
        env=env,
        check=True,
    )


def start_node_server() -> subprocess.Popen[str]:
    script = NODE_DIR / "storm_server.js"
    script.write_text(NODE_SERVER, encoding="utf-8")
    proc = subprocess.Popen(
        ["node", str(script), str(NODE_PORT)],
        cwd=NODE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pinned(SERVER_CPU),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"
    return proc


def drillctl_storm(url: str, tmp: Path, **cfg: Any) -> dict[str, Any]:
    config, summary = tmp / "storm.json", tmp / "summary.json"
    config.write_text(json.dumps({"url": url, **cfg}), encoding="utf-8")
    env = {**os.environ, "DRILLCTL_STORM_SPAWNED": repr(time.time())}
    subprocess.run(
        [sys.executable, "-m", "drillctl.faults.wsclient", str(config), str(summary)],
        env=env,
        check=True,
        preexec_fn=pinned(CLIENT_CPU),
    )
    return dict(json.loads(summary.read_text(encoding="utf-8")))


def socketio_peer(url: str, count: int, clients: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SOCKETIO_PEER, url, str(clients), str(count)],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=pinned(CLIENT_CPU),
    )
    return dict(json.loads(done.stdout))


def artillery(url: str, tmp: Path, rate: int, seconds: int) -> dict[str, Any]:
    """Artillery's socket.io engine at a constant arrival rate; CPU and RSS of its process tree."""
    scenario = tmp / "artillery.yaml"
    scenario.write_text(
        f"config:\n  target: '{url}'\n  phases:\n"
        f"    - duration: {seconds}\n      arrivalRate: {rate}\n"
        "  engines:\n    socketio:\n      transports: ['websocket']\n"
        "scenarios:\n  - engine: socketio\n    flow:\n      - think: 0\n",
        encoding="utf-8",
    )
    report = tmp / "artillery-report.json"
    env = {**os.environ, "ARTILLERY_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    argv = [
        str(NODE_DIR / "node_modules" / ".bin" / "artillery"),
        "run",
        "-o",
        str(report),
        str(scenario),
    ]
    spawned = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=NODE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pinned(CLIENT_CPU),
    )
    watch = psutil.Process(proc.pid)
    startup = startup_cpu = None
    rss = cpu = 0.0
    assert proc.stdout is not None
    for line in proc.stdout:
        rss, cpu = _sample(watch, rss, cpu)
        if startup is None and line.startswith("Phase started"):
            startup, startup_cpu = time.perf_counter() - spawned, cpu
    proc.wait()
    wall = time.perf_counter() - spawned
    counters = json.loads(report.read_text(encoding="utf-8"))["aggregate"]["counters"]
    completed = int(counters.get("vusers.completed", 0)) + int(counters.get("vusers.failed", 0))
    busy = wall - (startup or 0.0)
    return {
        "handshakes": completed,
        "failed": int(counters.get("vusers.failed", 0)),
        "per_second": completed / busy if busy else 0.0,
        "cpu_ms_per_handshake": (cpu - (startup_cpu or 0)) * 1000 / max(completed, 1),
        "max_rss_mb": rss / 2**20,
        "startup_s": startup,
        "startup_cpu_s": startup_cpu,
        "cpu_s": cpu,
    }


def _sample(proc: psutil.Process, rss: float, cpu: float) -> tuple[float, float]:
    try:
        tree = [proc, *proc.children(recursive=True)]
        now_rss = sum(p.memory_info().rss for p in tree)
        now_cpu = sum(sum(p.cpu_times()[:2]) for p in tree)
    except psutil.Error:
        return rss, cpu
    return max(rss, now_rss), max(cpu, now_cpu)


def row(name: str, r: dict[str, Any]) -> str:
    start = r.get("startup_s")
    shown = f"{start:5.2f} s" if isinstance(start, float) else "   -   "
    ceiling = 1000 / r["cpu_ms_per_handshake"] if r["cpu_ms_per_handshake"] else 0.0
    return (
        f"  {name:<34} {r['per_second']:7.0f}/s seen  {r['cpu_ms_per_handshake']:6.3f} ms CPU "
        f"(one core's ceiling {ceiling:6.0f}/s)  {r['max_rss_mb']:6.1f} MB  start-up {shown}  "
        f"({r['handshakes']} handshakes)"
    )


def bench_target(label: str, url: str, tmp: Path, args: argparse.Namespace) -> None:
    print(f"\n{label}  {url}")
    ours = drillctl_storm(url, tmp, clients=args.clients, count=args.count)
    print(row("drillctl ws-storm (lean EIO v4)", ours) + f"  refused {ours['refused_reasons']}")
    print(row("python-socketio AsyncClient", socketio_peer(url, args.count // 3, args.clients)))
    if not args.no_artillery:
        art = artillery(url, tmp, rate=args.artillery_rate, seconds=args.artillery_seconds)
        print(
            row(f"artillery 2.0.34 ({args.artillery_rate}/s offered)", art)
            + f"  start-up CPU {art['startup_cpu_s'] or 0:.2f} s"
        )


def bench_shape(url: str, tmp: Path, args: argparse.Namespace) -> None:
    burst = drillctl_storm(url, tmp, clients=200, count=200)
    print(
        f"\n  200 clients connected in {burst['elapsed_s']:.3f} s (target < 1 s), "
        f"start-up {burst['startup_s']:.3f} s (target < 0.5 s)"
    )
    paced = drillctl_storm(url, tmp, clients=20, rate=5, duration_s=10)
    print(
        f"  paced at 5/s for 10 s: {paced['handshakes']} handshakes, {paced['cpu_s']:.3f} CPU-s "
        f"({paced['cpu_s'] / 10 * 100:.1f}% of a core; a spinning pacer burns 100%)"
    )
    if not args.no_artillery:
        slow = artillery(url, tmp, rate=5, seconds=10)
        print(
            f"  artillery at 5/s for 10 s: "
            f"{slow['cpu_s'] - (slow['startup_cpu_s'] or 0):.2f} CPU-s after start-up"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--lab", action="store_true", help="also storm the lab gateway")
    parser.add_argument("--no-artillery", action="store_true")
    parser.add_argument("--artillery-rate", type=int, default=2500)
    parser.add_argument("--artillery-seconds", type=int, default=4)
    args = parser.parse_args()
    ensure_node_packages()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (noisy above ~1)")
    server = start_node_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"http://127.0.0.1:{NODE_PORT}"
            bench_target("node socket.io 4 server (bench only)", url, Path(tmp), args)
            bench_shape(url, Path(tmp), args)
            if args.lab:
                from drillctl.lab.endpoints import LabEndpoints

                lab_url = LabEndpoints.from_env(os.environ).api_url
                bench_target(
                    "lab gateway (python-socketio, throttled per source)", lab_url, Path(tmp), args
                )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
