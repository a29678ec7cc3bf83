"""Benchmark drillctl's traffic generator against a local aiohttp server.

Prints requests per second of wall time and per second of the generator's own CPU (requests per
core): the server runs in separate processes, so its CPU is not counted. Usage:

    .venv/bin/python bench/traffic_generator.py [--seconds 10] [--concurrency 50] [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import time

from aiohttp import web

from drillctl.scenario.model import HttpTraffic, Traffic
from drillctl.traffic.generator import TrafficGenerator, new_event_loop


def _serve(sock: socket.socket) -> None:
    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", hello)
    web.run_app(app, sock=sock, print=None, access_log=None)


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _run(url: str, seconds: float, concurrency: int, rate: float | None) -> dict[str, float]:
    windows: list[dict[str, object]] = []
    spec = HttpTraffic(url=url, rate=rate or 100_000, concurrency=concurrency)
    generator = TrafficGenerator(
        Traffic(http=[spec]), windows.append, max_seconds=seconds, unpaced=rate is None
    )
    cpu0, wall0 = _cpu_seconds(), time.perf_counter()
    await generator.start()
    await asyncio.sleep(seconds)
    totals = await generator.stop()
    cpu, wall = _cpu_seconds() - cpu0, time.perf_counter() - wall0
    p95 = sorted(w["p95_ms"] for w in windows if w["p95_ms"] is not None)
    return {
        "sent": totals["sent"],
        "errors": totals["errors"],
        "wall_s": wall,
        "cpu_s": cpu,
        "req_per_s": totals["sent"] / wall,
        "req_per_cpu_s": totals["sent"] / cpu if cpu else 0.0,
        "median_window_p95_ms": p95[len(p95) // 2] if p95 else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rate", type=float, default=None, help="paced run at this rate")
    parser.add_argument("--servers", type=int, default=2, help="server processes")
    parser.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop")
    args = parser.parse_args()
    sock = _listening_socket()
    ctx = multiprocessing.get_context("fork")
    servers = [ctx.Process(target=_serve, args=(sock,), daemon=True) for _ in range(args.servers)]
    for proc in servers:
        proc.start()
    time.sleep(1.0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    try:
        factory = new_event_loop if args.loop == "uvloop" else None
        with asyncio.Runner(loop_factory=factory) as runner:
            result = runner.run(_run(url, args.seconds, args.concurrency, args.rate))
    finally:
        for proc in servers:
            proc.terminate()
    mode = f"paced at {args.rate:g}/s" if args.rate else "peak"
    print(
        f"drillctl traffic generator ({mode}, {args.loop}, {args.concurrency} connections, "
        f"{args.servers} server processes):"
    )
    print(f"  sent {result['sent']:.0f} in {result['wall_s']:.1f}s, errors {result['errors']:.0f}")
    print(
        f"  {result['req_per_s']:,.0f} req/s wall; generator CPU {result['cpu_s']:.2f}s "
        f"-> {result['req_per_cpu_s']:,.0f} req/s per core"
    )
    print(f"  median per-second p95 latency {result['median_window_p95_ms']:.2f} ms")


if __name__ == "__main__":
    main()
