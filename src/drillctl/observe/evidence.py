"""Evidence for the drill window: the scenario's log/trace/metric queries and dashboard links.

Each query goes to its source; ``loki`` falls back to compose logs (``logs``) when no Loki is
configured, and ``jaeger`` is already the trace-from-logs fallback when the factory found no
Jaeger. A failing query is journalled ``source.unavailable`` (with the evidence name) and skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime

from drillctl.core import events as ev
from drillctl.core.errors import SourceUnavailable
from drillctl.core.journal import Journal
from drillctl.observe.base import Annotates, DashboardEvidence, Evidence, Source
from drillctl.scenario.model import EvidenceQuery, ScenarioBase

FALLBACKS = {"loki": "logs"}


def evidence_source(sources: Mapping[str, Source], name: str) -> Source | None:
    return sources.get(name) or sources.get(FALLBACKS.get(name, ""))


async def _one(
    source: Source, query: EvidenceQuery, start: datetime, end: datetime, timeout: float
) -> Evidence:
    return await asyncio.wait_for(source.evidence(query, start, end), timeout)


async def gather(
    scenario: ScenarioBase,
    sources: Mapping[str, Source],
    journal: Journal,
    start: datetime,
    end: datetime,
    *,
    timeout: float = 30.0,
) -> list[Evidence]:
    found: list[Evidence] = []
    for query in scenario.evidence:
        source = evidence_source(sources, query.source)
        try:
            if source is None:
                raise SourceUnavailable(query.source, "not configured")
            found.append(await _one(source, query, start, end, timeout))
        except (SourceUnavailable, TimeoutError) as exc:
            reason = getattr(exc, "reason", f"no answer within {timeout:g}s")
            journal.append(
                ev.SourceUnavailable(source=query.source, evidence=query.name, reason=reason)
            )
    dashboards = await _dashboards(scenario, sources, journal, start, end)
    found += dashboards
    for item in found:
        journal.append(
            ev.Evidence(kind=item.kind, source=item.source, summary=item.summary, items=item.items)
        )
    return found


async def _dashboards(
    scenario: ScenarioBase,
    sources: Mapping[str, Source],
    journal: Journal,
    start: datetime,
    end: datetime,
) -> list[Evidence]:
    grafana = sources.get("grafana")
    if not scenario.dashboards or not isinstance(grafana, DashboardEvidence):
        return []
    try:
        return [await grafana.dashboard_evidence(list(scenario.dashboards), start, end)]
    except SourceUnavailable as exc:
        journal.append(ev.SourceUnavailable(source="grafana", reason=exc.reason))
        return []


async def annotate(
    scenario: ScenarioBase,
    sources: Mapping[str, Source],
    journal: Journal,
    text: str,
    at: datetime,
    *,
    end: datetime | None = None,
    tags: list[str] | None = None,
) -> None:
    """Annotate each scenario dashboard (a no-op without Grafana or its token)."""
    grafana = sources.get("grafana")
    if not isinstance(grafana, Annotates):
        return
    for title in scenario.dashboards:
        try:
            await grafana.annotate(text, at, end=end, tags=tags, dashboard_title=title)
        except SourceUnavailable as exc:
            journal.append(ev.SourceUnavailable(source="grafana", reason=exc.reason))
