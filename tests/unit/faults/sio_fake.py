"""A socket.io gateway on 127.0.0.1 for the storm tests: python-socketio's server over aiohttp.

Every third namespace connect is refused with ``throttled``; a token in the auth object is seen.
Runs in a thread with its own loop, so the storm under test can own the main one.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import socketio
from aiohttp import web


@dataclass
class Gateway:
    url: str
    connects: int = 0
    auths: list[Any] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gateway(refuse_every: int = 3, http_status: int | None = None) -> Iterator[Gateway]:
    port = free_port()
    state = Gateway(url=f"http://127.0.0.1:{port}")
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()

    async def refuse(_request: web.Request) -> web.Response:
        return web.Response(status=http_status or 429, text="slow down")

    if http_status is not None:
        app.router.add_get("/socket.io/", refuse)
    else:
        sio.attach(app)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        state.connects += 1
        state.auths.append(auth)
        if refuse_every and state.connects % refuse_every == 0:
            raise socketio.exceptions.ConnectionRefusedError("throttled")

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
