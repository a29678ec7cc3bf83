"""The socket.io gateway with its per-source handshake throttler.

The throttler keys on the TCP peer address of the handshake (the ASGI ``client`` host): every
client on the host that reaches the published port arrives from the Docker network's gateway
address, while the smoke container has its own address, so a storm from the host is throttled
without touching smoke's clients. Refused clients get ``connect_error`` with
``{"message": "handshake throttled", "data": {"reason": "handshake throttled", "source": address,
"retry_after": seconds}}``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import socketio

from ebit_lab.common import log_event
from ebit_lab.metrics import ApiMetrics
from ebit_lab.throttle import HandshakeThrottler

REFUSAL = "handshake throttled"


def peer_address(environ: dict[str, Any]) -> str:
    client = (environ.get("asgi.scope") or {}).get("client")
    return str(client[0]) if client else "unknown"


def create_gateway(
    metrics: ApiMetrics, throttler: HandshakeThrottler, logger: logging.Logger
) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(
        async_mode="asgi", cors_allowed_origins="*", logger=False, engineio_logger=False
    )
    last_log = {"at": 0.0}

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        source = peer_address(environ)
        accepted, retry_after = throttler.allow(source)
        if not accepted:
            metrics.handshakes.labels("throttled").inc()
            if time.monotonic() - last_log["at"] > 5:  # one line per 5 s, not one per refusal
                last_log["at"] = time.monotonic()
                log_event(
                    logger,
                    logging.WARNING,
                    "ws handshake throttled",
                    source=source,
                    rate=throttler.rate,
                    burst=throttler.burst,
                )
            detail = {"reason": REFUSAL, "source": source, "retry_after": round(retry_after, 3)}
            raise socketio.exceptions.ConnectionRefusedError(REFUSAL, detail)
        metrics.handshakes.labels("accepted").inc()
        metrics.ws_connected.inc()
        await sio.save_session(sid, {"source": source})

    @sio.event
    async def disconnect(sid: str, *args: Any) -> None:
        metrics.ws_connected.dec()

    @sio.on("heartbeat")
    async def heartbeat(sid: str, data: Any = None) -> dict[str, Any]:
        return {"ok": True, "ts": time.time()}

    return sio
