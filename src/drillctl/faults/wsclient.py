"""A lean socket.io handshake client for storms (Engine.IO v4, socket.io v5, websocket transport).

One handshake, as the protocol documents it:

1. ``GET {path}/?EIO=4&transport=websocket`` upgraded to a websocket;
2. the server sends the Engine.IO open packet ``0{"sid":...,"pingInterval":...}``;
3. the client sends ``40`` (connect to the namespace; ``40/ns,`` for another namespace, followed by
   the auth object as JSON when there is one);
4. the server answers ``40{"sid":...}`` (accepted) or ``44{"message":...}`` (refused, with the
   reason) — a gateway may also refuse before the upgrade with an HTTP status;
5. the client closes the connection.

python-socketio's ``AsyncClient`` costs about 1 ms of CPU per handshake (about 1,000/s on a core);
this client does only the handshake (``wsproto.Handshake``, an asyncio protocol) at a fraction of
that, which a storm needs to push a gateway's throttler from one core. python-socketio stays the
client for long-lived traffic.

Run as ``python -m drillctl.faults.wsclient CONFIG.json SUMMARY.json``: the storm runs in its own
process (its own core, stoppable by pid from a later process) and writes its summary on exit,
also when stopped with SIGTERM or SIGINT.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import resource
import signal
import ssl
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from drillctl.faults.wsproto import Handshake, client_frame, tls_context, upgrade_request

HANDSHAKE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class StormConfig:
    url: str  # http://127.0.0.1:18080
    path: str = "/socket.io"
    namespace: str = "/"
    clients: int = 200
    count: int | None = None
    duration_s: float | None = None
    rate: float | None = None  # handshakes per second; None: as fast as possible
    auth: dict[str, Any] | None = None

    def ws_url(self) -> str:
        base = self.url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        return f"{base}/{self.path.strip('/')}/?EIO=4&transport=websocket"

    def connect_packet(self) -> str:
        ns = "" if self.namespace in ("", "/") else f"{self.namespace},"
        return f"40{ns}{json.dumps(self.auth, separators=(',', ':'))}" if self.auth else f"40{ns}"


@dataclass
class Tally:
    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    errored: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, accepted and refused
    first_at: float | None = None
    # file that gets the wall time of the first accepted or refused handshake: when the storm
    # took effect (the fault's ``effective_at``)
    first_mark: Path | None = None

    def add(self, outcome: str, reason: str | None, latency: float) -> None:
        if self.first_at is None:
            self.first_at = time.perf_counter()
        if self.first_mark is not None and outcome in ("accepted", "refused"):
            self.first_mark.write_text(repr(time.time()), encoding="utf-8")
            self.first_mark = None
        if outcome == "accepted":
            self.accepted += 1
        elif outcome == "refused":
            self.refused[reason or "refused"] += 1
        else:
            self.errored[reason or "error"] += 1
            return
        self.latencies.append(latency)

    @property
    def total(self) -> int:
        return self.accepted + self.refused.total() + self.errored.total()


class Pacer:
    """Hands out handshake slots: a count, a deadline and an optional rate. Sleeps, never spins."""

    def __init__(self, cfg: StormConfig) -> None:
        self._count = cfg.count
        self._rate = cfg.rate
        self._start = time.monotonic()
        self._deadline = self._start + cfg.duration_s if cfg.duration_s else None
        self._issued = 0
        self.stopped = False

    async def take(self) -> bool:
        if self.stopped or (self._count is not None and self._issued >= self._count):
            return False
        slot = self._issued
        self._issued += 1
        if self._rate:
            delay = self._start + slot / self._rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        return not self.stopped and (self._deadline is None or time.monotonic() < self._deadline)


@dataclass(frozen=True)
class Target:
    """Where to connect and what to say, computed once per storm."""

    host: str
    port: int
    url: str
    hello: str  # the socket.io connect packet
    tls: ssl.SSLContext | None

    @classmethod
    def of(cls, cfg: StormConfig) -> Target:
        url = cfg.ws_url()
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "wss" else 80)
        return cls(parts.hostname or "127.0.0.1", port, url, cfg.connect_packet(), tls_context(url))


async def handshake(target: Target) -> tuple[str, str | None]:
    """One handshake: ``("accepted"|"refused"|"errored", reason)``."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[tuple[str, str]] = loop.create_future()
    request, hello = upgrade_request(target.url), client_frame(target.hello.encode())
    transport = None
    try:
        async with asyncio.timeout(HANDSHAKE_TIMEOUT_S):
            transport, _ = await loop.create_connection(
                lambda: Handshake(request, hello, outcome), target.host, target.port, ssl=target.tls
            )
            kind, detail = await outcome
    except (OSError, TimeoutError) as exc:
        if transport is not None:
            transport.abort()
        return "errored", type(exc).__name__
    if kind == "refused":
        return kind, detail if detail.startswith("HTTP ") else _reason(detail)
    return kind, None if kind == "accepted" else detail


def _reason(packet: str) -> str:
    """The refusal reason of a ``44`` packet, stable enough to count by.

    socket.io servers send ``{"message": ..., "data": ...}``; python-socketio turns a dict given to
    ``ConnectionRefusedError`` into its ``str()`` in ``message``. A ``reason`` field, where there
    is one, is the reason (a ``retry_after`` beside it must not make every refusal unique).
    """
    body = packet[packet.find("{") :] if "{" in packet else ""
    data = _loads(body) if body else {}
    if not isinstance(data, dict):
        return str(data)[:80] or "refused"
    detail = data.get("data")
    message = data.get("message", "refused")
    inner = detail if isinstance(detail, dict) else _loads(str(message))
    if isinstance(inner, dict) and inner.get("reason"):
        return str(inner["reason"])[:80]
    return str(message)[:80]


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)  # a Python dict's str(), as python-socketio sends it
    except (ValueError, SyntaxError):
        return text


async def storm(
    cfg: StormConfig, pacer: Pacer | None = None, first_mark: Path | None = None
) -> Tally:
    """Run ``cfg.clients`` handshake loops until the count, the duration or ``pacer.stopped``."""
    pacer = pacer or Pacer(cfg)
    tally = Tally(first_mark=first_mark)
    target = Target.of(cfg)

    async def loop() -> None:
        while await pacer.take():
            started = time.perf_counter()
            outcome, reason = await handshake(target)
            tally.add(outcome, reason, time.perf_counter() - started)

    await asyncio.gather(*(loop() for _ in range(cfg.clients)))
    return tally


def percentiles_ms(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {
        "p50": pick(0.50),
        "p90": pick(0.90),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": pick(1.0),
    }


def summary(
    tally: Tally, *, began: float, ended: float, cpu_s: float, startup_s: float | None
) -> dict[str, Any]:
    """What the storm did, for the journal (``fault.reverted`` result) and the bench."""
    elapsed = max(ended - began, 1e-9)
    return {
        "handshakes": tally.total,
        "accepted": tally.accepted,
        "refused": tally.refused.total(),
        "refused_reasons": dict(tally.refused.most_common(20)),
        "errored": tally.errored.total(),
        "errors": dict(tally.errored.most_common(20)),
        "latency_ms": percentiles_ms(tally.latencies),
        "elapsed_s": round(elapsed, 3),
        "per_second": round(tally.total / elapsed, 1),
        "cpu_s": round(cpu_s, 3),
        "cpu_ms_per_handshake": round(cpu_s * 1000 / tally.total, 3) if tally.total else None,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "startup_s": None if startup_s is None else round(startup_s, 3),
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_process(cfg: StormConfig, summary_path: Path, born: float) -> dict[str, Any]:
    """The storm as a process: stops cleanly on SIGTERM/SIGINT and always writes its summary."""
    pacer = Pacer(cfg)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: setattr(pacer, "stopped", True))
    began, cpu0 = time.perf_counter(), _cpu()
    tally = await storm(cfg, pacer, first_mark_path(summary_path))
    startup = None if tally.first_at is None else tally.first_at - born
    result = summary(
        tally, began=began, ended=time.perf_counter(), cpu_s=_cpu() - cpu0, startup_s=startup
    )
    tmp = summary_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(summary_path)
    return result


def first_mark_path(summary_path: Path) -> Path:
    return summary_path.with_suffix(".first")


def _load_config(path: Path) -> StormConfig:
    return StormConfig(**json.loads(path.read_text(encoding="utf-8")))


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()  # type: ignore[no-any-return,unused-ignore]


def main(argv: list[str]) -> int:
    born = time.perf_counter() - (
        time.time() - float(os.environ.get("DRILLCTL_STORM_SPAWNED", time.time()))
    )
    cfg = _load_config(Path(argv[0]))
    loop = _new_loop()
    try:
        result = loop.run_until_complete(run_process(cfg, Path(argv[1]), born))
    finally:
        loop.close()
    return 0 if result["handshakes"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
