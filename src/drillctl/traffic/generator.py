"""drillctl's own steady traffic: async HTTP at a rate, plus long-lived socket.io clients.

aiohttp, not httpx: at 50 connections on one core an aiohttp loop does well over 10,000 req/s
where httpx's AsyncClient manages a few hundred (pool contention). Each second the counters of
the window (sent, ok, errors, p50/p95 latency, by kind) go to the journal as ``traffic.stats``.

The generator is bounded: it stops after ``max_requests`` or ``max_seconds``, whichever first,
and ``stop()`` ends it at once. The pacer does not spin at low rates: it sleeps until the next
slot, and at high rates it lets small debts through without a timer per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from drillctl.scenario.model import HttpTraffic, SocketIoTraffic, Traffic

StatsSink = Callable[[dict[str, Any]], None]
_MIN_SLEEP = 0.002  # below this a debt is paid by going on at once, not by a timer


class Pacer:
    """Hands out request slots at ``rate`` per second (None: as fast as the workers go)."""

    def __init__(
        self,
        rate: float | None,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._now = now
        self._sleep = sleep
        self._next = now()

    async def acquire(self) -> None:
        if not self._interval:
            return
        now = self._now()
        if self._next < now - 1.0:  # we fell far behind: do not burst to catch up
            self._next = now
        slot = self._next
        self._next += self._interval
        delay = slot - now
        if delay > _MIN_SLEEP:
            await self._sleep(delay)


@dataclass
class Window:
    """Counters of one reporting window."""

    sent: int = 0
    ok: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def summary(self, window_s: float) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        return {
            "window_s": round(window_s, 3),
            "sent": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "p50_ms": _percentile(lat, 0.50),
            "p95_ms": _percentile(lat, 0.95),
            "by_kind": dict(self.by_kind),
        }


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


@dataclass
class Totals:
    sent: int = 0
    ok: int = 0
    errors: int = 0


class TrafficGenerator:
    """Runs the scenario's ``traffic.http`` and ``traffic.socketio`` until stopped or bounded."""

    def __init__(
        self,
        traffic: Traffic,
        sink: StatsSink,
        *,
        max_seconds: float = 3600.0,
        max_requests: int | None = None,
        report_every: float = 1.0,
        unpaced: bool = False,
    ) -> None:
        self._traffic = traffic
        self._sink = sink
        self._max_seconds = max_seconds
        self._max_requests = max_requests
        self._report_every = report_every
        self._unpaced = unpaced  # benchmarks: ignore the rate, go as fast as the workers can
        self._window = Window()
        self.totals = Totals()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._sio_clients: list[Any] = []

    @property
    def active(self) -> bool:
        return bool(self._tasks) and not self._stopping.is_set()

    async def start(self) -> None:
        """Open the sessions and start the workers; returns at once."""
        for spec in self._traffic.http:
            self._tasks.append(asyncio.create_task(self._run_http(spec)))
        if self._traffic.socketio is not None:
            self._tasks.append(asyncio.create_task(self._run_socketio(self._traffic.socketio)))
        if self._tasks:
            self._tasks.append(asyncio.create_task(self._report_loop()))
            self._tasks.append(asyncio.create_task(self._deadline()))

    async def stop(self) -> dict[str, Any]:
        """Stop everything, flush the last window; returns the totals."""
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self._disconnect_socketio()
        self._flush(self._report_every)
        return {"sent": self.totals.sent, "ok": self.totals.ok, "errors": self.totals.errors}

    async def _deadline(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), self._max_seconds)
        self._stopping.set()

    async def _report_loop(self) -> None:
        last = time.monotonic()
        while not self._stopping.is_set():
            await asyncio.sleep(self._report_every)
            now = time.monotonic()
            self._flush(now - last)
            last = now

    def _flush(self, window_s: float) -> None:
        window, self._window = self._window, Window()
        if window.sent or window.by_kind:
            self._sink(window.summary(window_s))

    def _budget_left(self) -> bool:
        if self._stopping.is_set():
            return False
        if self._max_requests is not None and self.totals.sent >= self._max_requests:
            self._stopping.set()
            return False
        return True

    async def _run_http(self, spec: HttpTraffic) -> None:
        connector = aiohttp.TCPConnector(limit=spec.concurrency, ttl_dns_cache=300)
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            cookie_jar=aiohttp.DummyCookieJar(),
            headers=spec.headers,
            auto_decompress=False,
        ) as session:
            pacer = Pacer(None if self._unpaced else spec.rate)
            request = _requester(session, spec)
            workers = [self._http_worker(pacer, request) for _ in range(spec.concurrency)]
            await asyncio.gather(*workers)

    async def _http_worker(self, pacer: Pacer, request: Callable[[], Awaitable[int]]) -> None:
        while self._budget_left():
            await pacer.acquire()
            if not self._budget_left():
                return
            await self._one_request(request)

    async def _one_request(self, request: Callable[[], Awaitable[int]]) -> None:
        window, totals = self._window, self.totals
        window.sent += 1
        totals.sent += 1
        started = time.perf_counter()
        try:
            status = await request()
        except asyncio.CancelledError:
            # cut by stop(): it has no outcome, so it is not counted (sent == ok + errors)
            window.sent -= 1
            totals.sent -= 1
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._window.errors += 1
            totals.errors += 1
            self._window.count(type(exc).__name__)
            return
        self._window.latencies_ms.append((time.perf_counter() - started) * 1000)
        if status < 400:
            self._window.ok += 1
            totals.ok += 1
        else:
            self._window.errors += 1
            totals.errors += 1
        self._window.count(f"http_{status}")

    async def _run_socketio(self, spec: SocketIoTraffic) -> None:
        import socketio  # deferred: only scenarios with socket.io traffic pay for the import

        for _ in range(spec.clients):
            if self._stopping.is_set():
                return
            client = socketio.AsyncClient(reconnection=True, reconnection_delay=1)
            self._sio_clients.append(client)
            self._watch_socketio(client)
            try:
                await client.connect(spec.url, socketio_path=spec.path, transports=["websocket"])
                self._window.count("ws_connected")
            except Exception as exc:  # socketio raises its own errors and aiohttp's
                self._window.count("ws_connect_error")
                self._window.count(type(exc).__name__)
        await self._stopping.wait()

    def _watch_socketio(self, client: Any) -> None:
        def disconnected(*_args: Any) -> None:
            self._window.count("ws_disconnected")

        client.on("disconnect", disconnected)

    async def _disconnect_socketio(self) -> None:
        for client in self._sio_clients:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.disconnect(), 2)
        self._sio_clients.clear()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed (the generator does ~1.4x the requests per core), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _requester(session: aiohttp.ClientSession, spec: HttpTraffic) -> Callable[[], Awaitable[int]]:
    method, url, body = spec.method, spec.url, spec.json_body

    async def request() -> int:
        async with session.request(method, url, json=body) as response:
            await response.read()
            return response.status

    return request
