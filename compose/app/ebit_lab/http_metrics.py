"""ASGI middleware: a trace id per request, http_requests_total, the latency histogram, logs."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from ebit_lab.common import TRACE_ID, log_event, new_trace_id, trace_id_from_traceparent
from ebit_lab.metrics import ApiMetrics
from ebit_lab.tracing import Tracer

Scope = dict[str, Any]
_CONVERTER = re.compile(r":[a-z]+}")  # "{player_id:int}" -> "{player_id}"
QUIET_ROUTES = {"/api/admin/signin", "/health", "/metrics"}  # logged elsewhere, or probes


class HttpMetricsMiddleware:
    def __init__(
        self, app: Any, *, service: str, metrics: ApiMetrics, logger: logging.Logger, tracer: Tracer
    ) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics
        self.logger = logger
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        parent = headers.get(b"traceparent", b"").decode("latin-1") or None
        trace_id = trace_id_from_traceparent(parent) or new_trace_id()
        token = TRACE_ID.set(trace_id)
        status = {"code": 500}

        async def send_with_status(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append((b"x-trace-id", trace_id.encode()))
            await send(message)

        started, started_ns = time.perf_counter(), time.time_ns()
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self._observe(
                scope, status["code"], time.perf_counter() - started, started_ns, trace_id
            )
            TRACE_ID.reset(token)

    def _observe(
        self, scope: Scope, status: int, elapsed: float, started_ns: int, trace_id: str
    ) -> None:
        route = route_template(scope)
        method = scope["method"]
        self.metrics.http_requests.labels(self.service, route, method, str(status)).inc()
        self.metrics.http_duration.labels(self.service, route, method).observe(elapsed)
        self.tracer.record(
            f"{method} {route}", trace_id, started_ns, elapsed, {"http.status_code": status}
        )
        if status >= 400 and route not in QUIET_ROUTES:
            log_event(
                self.logger,
                logging.WARNING,
                "request failed",
                route=route,
                method=method,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )


def route_template(scope: Scope) -> str:
    """The matched route's path template (``/api/players/{player_id}``), never the raw path."""
    path = getattr(scope.get("route"), "path", None) or getattr(
        scope.get("endpoint"), "route_path", None
    )
    return _CONVERTER.sub("}", str(path)) if path else "unmatched"
