"""Compose logs: the log source when no Loki is configured (``docker compose logs --since``).

Reads through the target driver's ``logs()`` (blocking, so in a worker thread); nothing here
knows about Docker. A signal with source ``logs`` counts the lines of ``service`` matching the
regex ``query`` over the last ``window`` (30 s by default): a rate-like number the detector can
compare with its baseline. Evidence keeps each line with its service and timestamp, filtered by
the evidence query's ``pattern`` and by the line filters of a LogQL ``query`` written for Loki.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from drillctl.errors import SourceUnavailable, TargetError
from drillctl.observe.base import Evidence, QueryError
from drillctl.observe.loglines import log_evidence, logql_hints, matches
from drillctl.scenario.model import EvidenceQuery, Signal
from drillctl.target.base import LogLine, TargetDriver

DEFAULT_WINDOW = timedelta(seconds=30)


class ComposeLogsSource:
    name = "logs"

    def __init__(self, driver: TargetDriver, *, window: timedelta = DEFAULT_WINDOW) -> None:
        self.driver = driver
        self.window = window

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
        found = await self._call(self.driver.logs, [service], start, end)
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

    async def _call(self, func: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(func, *args)
        except TargetError as exc:
            raise SourceUnavailable(self.name, exc.message) from exc
        except OSError as exc:
            raise SourceUnavailable(self.name, f"{type(exc).__name__}: {exc}") from exc
