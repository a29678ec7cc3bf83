"""TCP probe: ``query`` is ``host:port``; value 1 when a connection opens (0 when refused or
timed out), or with ``unit: ms`` the connect time in milliseconds (None when it fails)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime
from typing import Any

from drillctl.observe.base import Evidence, QueryError
from drillctl.scenario.model import EvidenceQuery, Signal


def _address(query: str, subject: str) -> tuple[str, int]:
    host, sep, port = query.strip().rpartition(":")
    if not sep or not port.isdigit():
        raise QueryError("tcp", f"expected host:port, got {query!r}", subject)
    return host.strip("[]"), int(port)


class TcpProbe:
    name = "tcp"

    def __init__(self, *, timeout: float = 5.0) -> None:
        self.timeout = timeout

    async def check(self) -> dict[str, Any]:
        return {"version": "asyncio"}

    async def connect_ms(self, host: str, port: int) -> float | None:
        started = time.perf_counter()
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), self.timeout)
        except (OSError, TimeoutError):
            return None
        elapsed = (time.perf_counter() - started) * 1000
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return elapsed

    async def read(self, signal: Signal, at: datetime) -> float | None:
        latency = await self.connect_ms(*_address(signal.query, f"signal {signal.name}"))
        if signal.unit == "ms":
            return latency
        return 0.0 if latency is None else 1.0

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        raise QueryError(self.name, "probes give signals, not evidence", query.name)
