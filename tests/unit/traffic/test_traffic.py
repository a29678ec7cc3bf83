"""The traffic generator against a local aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from drillctl.scenario.model import HttpTraffic, Traffic
from drillctl.traffic.generator import Pacer, TrafficGenerator


@asynccontextmanager
async def serving(status: int = 200) -> AsyncIterator[str]:
    async def handler(_request: web.Request) -> web.Response:
        return web.Response(status=status, text="x")

    app = web.Application()
    app.router.add_route("*", "/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()


async def _drive(make: Callable[[str], TrafficGenerator], seconds: float, status: int = 200) -> Any:
    async with serving(status) as url:
        generator = make(url)
        await generator.start()
        await asyncio.sleep(seconds)
        return await generator.stop()


def test_paced_requests_are_counted_and_reported_each_window() -> None:
    windows: list[dict[str, Any]] = []

    def make(url: str) -> TrafficGenerator:
        traffic = Traffic(http=[HttpTraffic(url=url, rate=200, concurrency=4)])
        return TrafficGenerator(traffic, windows.append, report_every=0.25)

    totals = asyncio.run(_drive(make, 1.0))
    assert 60 <= totals["sent"] <= 230  # 200/s for ~1 s (fewer on a very busy machine)
    assert totals["errors"] == 0
    assert sum(w["sent"] for w in windows) == totals["sent"]
    assert all(w["by_kind"].get("http_200", 0) == w["ok"] for w in windows)
    assert any(w["p50_ms"] is not None and w["p95_ms"] >= w["p50_ms"] for w in windows)


def test_server_errors_are_errors_not_successes() -> None:
    windows: list[dict[str, Any]] = []

    def make(url: str) -> TrafficGenerator:
        traffic = Traffic(http=[HttpTraffic(url=url, rate=100, concurrency=2)])
        return TrafficGenerator(traffic, windows.append)

    totals = asyncio.run(_drive(make, 0.5, status=503))
    assert totals["ok"] == 0
    assert totals["errors"] == totals["sent"] > 0
    assert windows[-1]["by_kind"]["http_503"] > 0


def test_connection_refused_is_counted_by_kind() -> None:
    windows: list[dict[str, Any]] = []
    traffic = Traffic(http=[HttpTraffic(url="http://127.0.0.1:9/", rate=50, concurrency=2)])

    async def go() -> Any:
        generator = TrafficGenerator(traffic, windows.append)
        await generator.start()
        while generator.totals.sent < 3:  # a busy machine may need a while for the first ones
            await asyncio.sleep(0.05)
        return await generator.stop()

    totals = asyncio.wait_for(go(), 20)
    totals = asyncio.run(totals)
    assert totals["errors"] == totals["sent"] > 0
    kinds = {k for w in windows for k in w["by_kind"]}
    assert kinds and all(k.startswith("Client") for k in kinds), kinds  # ClientConnectorError...


def test_request_budget_bounds_the_generator() -> None:
    def make(url: str) -> TrafficGenerator:
        traffic = Traffic(http=[HttpTraffic(url=url, rate=10_000, concurrency=8)])
        return TrafficGenerator(traffic, lambda _w: None, max_requests=50)

    totals = asyncio.run(_drive(make, 0.5))
    assert totals["sent"] == 50


def test_time_budget_bounds_the_generator() -> None:
    async def go() -> bool:
        async with serving() as url:
            traffic = Traffic(http=[HttpTraffic(url=url, rate=50, concurrency=1)])
            generator = TrafficGenerator(traffic, lambda _w: None, max_seconds=0.2)
            await generator.start()
            await asyncio.sleep(0.5)
            active = generator.active
            await generator.stop()
            return active

    assert asyncio.run(go()) is False


def test_pacer_sleeps_until_each_slot_and_does_not_burst_after_a_stall() -> None:
    now = [100.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async def go() -> None:
        pacer = Pacer(10, now=lambda: now[0], sleep=fake_sleep)
        for _ in range(3):
            await pacer.acquire()
        now[0] += 60  # a long stall: the debt is forgiven, not paid back in a burst
        for _ in range(3):
            await pacer.acquire()

    asyncio.run(go())
    # first slot at once, then one per 100 ms; after the stall the same again
    assert slept == pytest.approx([0.1, 0.1, 0.1, 0.1])
