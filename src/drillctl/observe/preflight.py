"""Problems that must stop a drill before anything is injected: a required source missing or not
answering, a query the source refuses (with the source's own error text)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import QueryError, Source, ValidatesQueries
from drillctl.observe.views import required_sources
from drillctl.scenario.model import ScenarioBase, Signal

Read = Callable[[Signal, datetime], Awaitable[float | None]]


async def preflight_problems(
    scenario: ScenarioBase, sources: Mapping[str, Source], read: Read, now: datetime, timeout: float
) -> list[str]:
    """[] = go. ``read`` is the observer's own read of one signal (its checks and timeout)."""
    needed = required_sources(scenario)
    problems = [f"source {n}: not configured" for n in sorted(needed) if n not in sources]
    for name in sorted(needed & sources.keys()):
        try:
            await asyncio.wait_for(sources[name].check(), timeout)
        except (SourceUnavailable, TimeoutError) as exc:
            problems.append(f"source {name}: {getattr(exc, 'reason', 'no answer in time')}")
    if not problems:
        problems += await _query_problems(scenario, sources, read, now)
    return problems


async def _query_problems(
    scenario: ScenarioBase, sources: Mapping[str, Source], read: Read, now: datetime
) -> list[str]:
    problems = []
    prometheus = sources.get("prometheus")
    if isinstance(prometheus, ValidatesQueries):
        try:
            problems += await prometheus.validate_queries(scenario.signals)
        except SourceUnavailable as exc:
            problems.append(f"source prometheus: {exc.reason}")
    for signal in scenario.signals:
        if signal.source == "prometheus":
            continue
        try:
            await read(signal, now)
        except QueryError as exc:
            why = f"{signal.source} refused the query: {exc.reason}"
            problems.append(f"signal {signal.name}: {why}")
        except (SourceUnavailable, TimeoutError):
            continue  # reachability was checked above; a flaky read is not a bad query
    return problems
