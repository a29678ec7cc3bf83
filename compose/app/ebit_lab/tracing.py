"""Minimal OTLP/HTTP (JSON) span export, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

The OpenTelemetry SDK and its exporters would double the image's dependencies for one feature the
lab only uses with the full-observability profile (Jaeger), so the API sends server spans itself:
one span per HTTP request, batched every two seconds to ``<endpoint>/v1/traces``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Tracer:
    service: str
    endpoint: str | None
    logger: logging.Logger
    _spans: list[dict[str, Any]] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return bool(self.endpoint)

    def record(
        self, name: str, trace_id: str, start_ns: int, seconds: float, attrs: dict[str, Any]
    ) -> None:
        if not self.enabled or len(self._spans) > 5000:
            return
        self._spans.append(
            {
                "traceId": trace_id,
                "spanId": secrets.token_hex(8),
                "name": name,
                "kind": 2,
                "startTimeUnixNano": str(start_ns),
                "endTimeUnixNano": str(start_ns + int(seconds * 1e9)),
                "attributes": [{"key": k, "value": _value(v)} for k, v in attrs.items()],
            }
        )

    async def run(self) -> None:
        if not self.enabled:
            return
        url = f"{str(self.endpoint).rstrip('/')}/v1/traces"
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                await asyncio.sleep(2)
                await self._flush(client, url)

    async def _flush(self, client: httpx.AsyncClient, url: str) -> None:
        spans, self._spans = self._spans, []
        if not spans:
            return
        body = {
            "resourceSpans": [
                {
                    "resource": {
                        "attributes": [
                            {"key": "service.name", "value": {"stringValue": self.service}}
                        ]
                    },
                    "scopeSpans": [{"scope": {"name": "ebit-lab"}, "spans": spans}],
                }
            ]
        }
        with contextlib.suppress(httpx.HTTPError):
            await client.post(url, json=body)


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    return {"stringValue": str(value)}
