"""Which sources answer, and when to ask again: journalled transitions and exponential backoff.

A source that fails (``SourceUnavailable``: refused connection, timeout, 5xx, not ready) is
journalled ``source.unavailable`` once, with the reason, and asked again after ``base`` seconds,
then twice as long each time, up to ``cap``; its first answer again is journalled
``source.available``. A ``QueryError`` (the source answered but refused one query) only backs off
that one signal, so a bad query does not hide the other signals of a healthy source.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from drillctl.core import events as ev
from drillctl.core.clock import Clock
from drillctl.core.errors import SourceUnavailable
from drillctl.core.journal import Journal
from drillctl.observe.base import QueryError

T = TypeVar("T")

Key = tuple[str, str | None]  # (source, signal) — signal None for the source as a whole


@dataclass
class _Down:
    reason: str
    failures: int
    retry_at: float
    round: int


class SourceHealth:
    def __init__(
        self, journal: Journal, clock: Clock, *, base: float = 1.0, cap: float = 30.0
    ) -> None:
        self.journal = journal
        self.clock = clock
        self.base = base
        self.cap = cap
        self._down: dict[Key, _Down] = {}
        self._missing: set[str] = set()
        self._round = 0

    def new_round(self) -> None:
        """A poll begins: several failures of one source within a poll count as one."""
        self._round += 1

    @staticmethod
    def key(source: str, signal: str | None = None) -> Key:
        return source, signal

    def due(self, key: Key) -> bool:
        """May we ask now? (neither the source nor this signal is waiting out a backoff)"""
        now = self.clock.monotonic()
        return all(
            down is None or now >= down.retry_at
            for down in (self._down.get((key[0], None)), self._down.get(key))
        )

    def failed(self, key: Key, exc: SourceUnavailable, *, signal: str | None = None) -> None:
        target = key if isinstance(exc, QueryError) else (key[0], None)
        previous = self._down.get(target)
        if previous is not None and previous.round == self._round:
            return
        failures = previous.failures + 1 if previous else 1
        delay = min(self.base * 2 ** (failures - 1), self.cap)
        self._down[target] = _Down(
            exc.reason, failures, self.clock.monotonic() + delay, self._round
        )
        if previous is None:
            extra: dict[str, Any] = {"signal": signal} if target[1] is not None and signal else {}
            self.journal.append(ev.SourceUnavailable(source=key[0], reason=exc.reason, **extra))

    def succeeded(self, key: Key) -> None:
        for target in ((key[0], None), key):
            if self._down.pop(target, None) is not None:
                extra: dict[str, Any] = {"signal": target[1]} if target[1] is not None else {}
                self.journal.append(ev.SourceAvailable(source=key[0], **extra))

    def missing(self, source: str) -> None:
        """A source the scenario names but nobody configured: journalled once."""
        if source not in self._missing:
            self._missing.add(source)
            self.journal.append(ev.SourceUnavailable(source=source, reason="not configured"))

    def down(self) -> dict[str, str]:
        """Sources (or source/signal pairs) not answering now, with the reason."""
        gone = {source: "not configured" for source in self._missing}
        for (source, signal), down in self._down.items():
            gone[f"{source}/{signal}" if signal else source] = down.reason
        return gone


async def shielded(source: str, call: Awaitable[T]) -> T:
    """Defence in depth: a bug in one source makes that source unavailable; the drill goes on.
    (Cancellation is a BaseException and passes through: Ctrl-C still reverts.)"""
    try:
        return await call
    except (SourceUnavailable, TimeoutError):
        raise
    except Exception as exc:
        reason = f"internal error: {type(exc).__name__}: {str(exc)[:200]}"
        raise SourceUnavailable(source, reason) from exc
