"""HTTP probe: ``query`` is a URL (optionally ``METHOD URL``); the value depends on ``unit``:
``status`` → the HTTP status (0 when no answer), ``ok`` → 1 for a 2xx/3xx answer else 0,
anything else (``ms`` by default) → the latency in milliseconds (None when no answer)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import httpx

from drillctl.core.urls import split_probe as _split
from drillctl.observe.base import Evidence, QueryError
from drillctl.scenario.model import EvidenceQuery, Signal


class HttpProbe:
    name = "http"

    def __init__(self, client: httpx.AsyncClient, *, timeout: float = 5.0) -> None:
        self.client = client
        self.timeout = timeout

    async def check(self) -> dict[str, Any]:
        return {"version": f"httpx {httpx.__version__}"}

    async def probe(self, query: str) -> tuple[int, float | None]:
        """(status, latency ms); (0, None) when nothing answered in time."""
        method, url = _split(query)
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, timeout=self.timeout)
        except httpx.HTTPError:
            return 0, None
        return response.status_code, (time.perf_counter() - started) * 1000

    async def read(self, signal: Signal, at: datetime) -> float | None:
        status, latency = await self.probe(signal.query)
        if signal.unit == "status":
            return float(status)
        if signal.unit == "ok":
            return 1.0 if 200 <= status < 400 else 0.0
        return latency

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        raise QueryError(self.name, "probes give signals, not evidence", query.name)
