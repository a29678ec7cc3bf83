"""Per-source token bucket for socket.io handshakes.

Each source (the TCP peer address of the handshake) owns a bucket of ``burst`` tokens refilled at
``rate`` tokens per second; a handshake takes one token or is refused. Over any window of T seconds
one source gets at most ``burst + rate * T`` handshakes accepted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class HandshakeThrottler:
    rate: float  # tokens per second
    burst: int  # bucket size
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, source: str) -> tuple[bool, float]:
        """Take a token for ``source``; return (accepted, seconds until the next token)."""
        now = self.clock()
        bucket = self._buckets.get(source) or _Bucket(tokens=float(self.burst), stamp=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        self._buckets[source] = bucket
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True, 0.0
        return False, (1.0 - bucket.tokens) / self.rate if self.rate > 0 else float("inf")
