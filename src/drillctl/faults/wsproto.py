"""One socket.io handshake as an asyncio protocol: the HTTP upgrade and a few websocket frames.

The storm needs nothing of a websocket client but this, so it does only this (RFC 6455 and the
Engine.IO v4 / socket.io v5 protocols):

1. ``GET {path}/?EIO=4&transport=websocket`` with ``Upgrade: websocket`` → ``101`` (any other
   status is a refusal before the upgrade: ``HTTP 429``);
2. the server's text frame ``0{"sid":...}`` (Engine.IO open) → the client sends ``40`` (socket.io
   connect to the namespace, with the auth object if any), masked as clients must;
3. the server's ``40{"sid":...}`` (accepted) or ``44{"message":...}`` (refused, with a reason);
4. the client sends a close frame and closes the connection.

aiohttp's general websocket client spends about 0.5 ms of CPU per handshake in request machinery
(sessions, timeouts, header validation); this protocol spends about a quarter of that, which is
what lets one client core push a gateway's throttler (bench/faults_ws_storm.py has the figures).
"""

from __future__ import annotations

import asyncio
import base64
import os
import ssl
from typing import cast
from urllib.parse import urlsplit

TEXT, CLOSE = 0x1, 0x8
CLOSE_NORMAL = b"\x03\xe8"  # 1000


def client_frame(payload: bytes, opcode: int = TEXT) -> bytes:
    """A masked, final frame (clients must mask; the key is fresh per frame)."""
    mask = os.urandom(4)
    size = len(payload)
    head = bytes([0x80 | opcode])
    if size < 126:
        head += bytes([0x80 | size])
    elif size < 65536:
        head += bytes([0x80 | 126]) + size.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + size.to_bytes(8, "big")
    masked = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
    return head + mask + masked


def parse_frames(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Complete server frames at the start of ``buffer`` (consumed from it): (opcode, payload)."""
    frames: list[tuple[int, bytes]] = []
    while len(buffer) >= 2:
        size, offset = buffer[1] & 0x7F, 2
        if size == 126:
            if len(buffer) < 4:
                break
            size, offset = int.from_bytes(buffer[2:4], "big"), 4
        elif size == 127:
            if len(buffer) < 10:
                break
            size, offset = int.from_bytes(buffer[2:10], "big"), 10
        if buffer[1] & 0x80:  # a masked server frame: skip the key (servers must not mask)
            offset += 4
        if len(buffer) < offset + size:
            break
        frames.append((buffer[0] & 0x0F, bytes(buffer[offset : offset + size])))
        del buffer[: offset + size]
    return frames


def upgrade_request(url: str) -> bytes:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


class Handshake(asyncio.Protocol):
    """Resolves ``outcome`` to ``("accepted"|"refused"|"errored", reason, namespace answer)``."""

    def __init__(
        self, request: bytes, hello: bytes, outcome: asyncio.Future[tuple[str, str]]
    ) -> None:
        self._request, self._hello, self.outcome = request, hello, outcome
        self._buffer = bytearray()
        self._upgraded = False
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._upgraded and not self._upgrade():
            return
        for opcode, payload in parse_frames(self._buffer):
            if opcode == CLOSE:
                self._finish("errored", "closed before the namespace answer")
            elif opcode == TEXT:
                self._packet(payload.decode("utf-8", errors="replace"))

    def _upgrade(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        status = self._buffer[: self._buffer.find(b"\r\n")].split(b" ", 2)
        if len(status) < 2 or status[1] != b"101":
            code = status[1].decode(errors="replace") if len(status) > 1 else "?"
            self._finish("refused", f"HTTP {code}")
            return False
        del self._buffer[: end + 4]
        self._upgraded = True
        return True

    def _packet(self, packet: str) -> None:
        if packet.startswith("0"):  # Engine.IO open: connect to the namespace
            assert self._transport is not None
            self._transport.write(self._hello)
        elif packet.startswith("40"):
            self._finish("accepted", packet)
        elif packet.startswith("44"):
            self._finish("refused", packet)
        # anything else (a ping "2", an event) may come first: keep reading

    def _finish(self, outcome: str, detail: str) -> None:
        if self._transport is not None and not self._transport.is_closing():
            if self._upgraded:
                self._transport.write(client_frame(CLOSE_NORMAL, CLOSE))
            self._transport.close()
        if not self.outcome.done():
            self.outcome.set_result((outcome, detail))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.outcome.done():
            self.outcome.set_result(("errored", type(exc).__name__ if exc else "connection closed"))


def tls_context(url: str) -> ssl.SSLContext | None:
    return ssl.create_default_context() if urlsplit(url).scheme in ("wss", "https") else None
