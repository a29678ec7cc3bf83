"""Container logs: the log source when no Loki is configured.

Reads through the target driver's ``logs()`` (blocking, so in a worker thread); nothing here
knows about Docker (the compose driver asks the Engine API in-process: target/sdk_logs.py). A
signal with source ``logs`` counts the lines of ``service`` matching the regex ``query`` over the
last ``window`` (30 s by default): a rate-like number the detector can compare with its baseline.
Evidence keeps each line with its service and timestamp, filtered by the evidence query's
``pattern`` and by the line filters of a LogQL ``query`` written for Loki.

Recent lines are kept per service and fetched incrementally (``since`` the last fetch) at most
every ``refresh`` (2 s): a logs signal polled every second, and the trace fallback reading the
same lines, cost one small read per service every other poll instead of two full ones per poll
(each read also makes the engine scan the container's log file from ``since``). Windows older
than the kept lines (evidence for a whole drill) are fetched directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from drillctl.core.errors import SourceUnavailable, TargetError
from drillctl.observe.base import Evidence, QueryError
from drillctl.observe.loglines import log_evidence, logql_hints, matches
from drillctl.scenario.model import EvidenceQuery, Signal
from drillctl.target.base import LogLine, TargetDriver

DEFAULT_WINDOW = timedelta(seconds=30)
REFRESH = timedelta(seconds=2)
KEEP = timedelta(minutes=5)


@dataclass
class _Recent:
    """Every line of one service from ``since`` to ``until``, fetched at monotonic ``fetched``."""

    since: datetime
    until: datetime
    fetched: float
    lines: list[LogLine]


class ComposeLogsSource:
    name = "logs"

    def __init__(
        self,
        driver: TargetDriver,
        *,
        window: timedelta = DEFAULT_WINDOW,
        refresh: timedelta = REFRESH,
        keep: timedelta = KEEP,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.driver = driver
        self.window = window
        self.refresh = refresh.total_seconds()
        self.keep = keep
        self.monotonic = monotonic
        self._recent: dict[str, _Recent] = {}

    async def check(self) -> dict[str, Any]:
        services = await self._call(self.driver.services)
        return {"version": self.driver.name, "services": len(services)}

    async def lines(
        self,
        service: str,
        start: datetime,
        end: datetime,
        *,
        pattern: str | None = None,
        limit: int = 100,
    ) -> list[LogLine]:
        found = await self._window(service, start, end)
        kept = [
            line
            for line in found
            if matches(pattern, line.text) and (line.at is None or start <= line.at < end)
        ]
        return kept[-limit:]

    async def read(self, signal: Signal, at: datetime) -> float | None:
        if not signal.service:
            raise QueryError(self.name, "a logs signal needs `service`", f"signal {signal.name}")
        found = await self.lines(
            signal.service, at - self.window, at, pattern=signal.query, limit=1_000_000
        )
        return float(len(found))

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        hinted_service, hinted_pattern = logql_hints(query.query or "")
        service = query.service or hinted_service
        if not service:
            raise QueryError(
                self.name, "a log evidence query needs `service`", f"evidence {query.name}"
            )
        found = await self.lines(service, start, end, pattern=hinted_pattern, limit=1_000_000)
        found = [line for line in found if matches(query.pattern, line.text)][-query.limit :]
        described = " ".join(p for p in (service, query.pattern or hinted_pattern) if p)
        return log_evidence(query.name, self.name, found, described)

    async def _window(self, service: str, start: datetime, end: datetime) -> list[LogLine]:
        recent = self._recent.get(service)
        if recent is None or start < recent.since or end > recent.until + self.keep:
            found: list[LogLine] = await self._call(self.driver.logs, [service], start, end)
            self._recent[service] = _Recent(start, end, self.monotonic(), found)
            return found
        if end > recent.until and self.monotonic() - recent.fetched >= self.refresh:
            await self._extend(service, recent, end)
        return recent.lines

    async def _extend(self, service: str, recent: _Recent, end: datetime) -> None:
        new: list[LogLine] = await self._call(self.driver.logs, [service], recent.until, end)
        last = max((line.at for line in recent.lines if line.at), default=None)
        recent.lines += [line for line in new if last is None or line.at is None or line.at > last]
        recent.until, recent.fetched = end, self.monotonic()
        horizon = end - self.keep
        if recent.since < horizon:
            recent.lines = [line for line in recent.lines if line.at is None or line.at >= horizon]
            recent.since = horizon

    async def _call(self, func: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(func, *args)
        except TargetError as exc:
            raise SourceUnavailable(self.name, exc.message) from exc
        except OSError as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__}: {exc}") from exc
