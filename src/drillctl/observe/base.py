"""Observer sources: small modules behind one interface.

A ``Source`` answers ``read(signal, at)`` with a number (or None for "no data") and may collect
``Evidence`` for a window. Sources that are not configured or do not answer raise
``SourceUnavailable``; the observer journals that and retries with backoff. It never stops a drill.
All HTTP sources share one injected ``httpx.AsyncClient`` so a fake transport or a local server can
stand in for all of them in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from drillctl.core.errors import SourceUnavailable
from drillctl.scenario.model import EvidenceQuery, Signal


@dataclass(frozen=True)
class Sample:
    signal: str
    at: datetime
    value: float | None  # None: the source answered but had no data for this query


@dataclass(frozen=True)
class Evidence:
    kind: str  # log | trace | dashboard | runbook | probe | alert
    source: str
    summary: str
    items: list[dict[str, Any]] = field(default_factory=list)


class QueryError(SourceUnavailable):
    """The source answered but refused this query (bad PromQL/LogQL, unknown table...).

    The reason is the server's own error text; ``subject`` names the signal or evidence query."""

    def __init__(self, source: str, reason: str, subject: str | None = None) -> None:
        super().__init__(source, f"{subject}: {reason}" if subject else reason)
        self.subject = subject


@dataclass(frozen=True)
class ActiveAlert:
    """An alert as a source reports it now: Prometheus (pending|firing) or Alertmanager (firing)."""

    name: str
    state: str  # pending | firing
    source: str  # prometheus | alertmanager
    active_at: datetime | None  # Prometheus activeAt, Alertmanager startsAt
    labels: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class AlertSource(Protocol):
    async def active_alerts(self) -> list[ActiveAlert]:
        """Alerts active now; raises SourceUnavailable."""


class Source(Protocol):
    name: str  # prometheus, alertmanager, loki, logs, jaeger, grafana, http, redis, sql, tcp

    async def check(self) -> dict[str, Any]:
        """Reachability and version for `doctor`; raises SourceUnavailable."""

    async def read(self, signal: Signal, at: datetime) -> float | None:
        """Current value of a signal; raises SourceUnavailable."""

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        """Evidence items for the window; raises SourceUnavailable."""


# What a source may do beyond ``Source``, each a small Protocol checked with ``isinstance`` where
# it is used (a source that cannot, such as Prometheus without Grafana, is simply passed over).


@runtime_checkable
class ValidatesQueries(Protocol):
    async def validate_queries(self, signals: Iterable[Signal]) -> list[str]:
        """Each problem with the signals' queries, in words; raises SourceUnavailable."""


@runtime_checkable
class RangeQueries(Protocol):
    async def query_range(
        self, query: str, start: datetime, end: datetime, step: timedelta
    ) -> list[Any]:
        """The series of a query over a window; raises SourceUnavailable."""


@runtime_checkable
class RuleHealthSource(Protocol):
    async def rule_health(self) -> list[Any]:
        """The health of the server's recording and alerting rules; raises SourceUnavailable."""


@runtime_checkable
class DashboardLinks(Protocol):
    async def links(
        self, titles: list[str], start: datetime, end: datetime
    ) -> dict[str, str | None]:
        """A deep link per dashboard title for the window (None: no such dashboard)."""


@runtime_checkable
class DashboardEvidence(Protocol):
    async def dashboard_evidence(
        self, titles: list[str], start: datetime, end: datetime
    ) -> Evidence:
        """The dashboards of the window as evidence; raises SourceUnavailable."""


@runtime_checkable
class Annotates(Protocol):
    async def annotate(
        self,
        text: str,
        at: datetime,
        *,
        end: datetime | None = None,
        tags: list[str] | None = None,
        dashboard_title: str | None = None,
    ) -> int | None:
        """Mark a drill phase on a dashboard; None when the source cannot (no token)."""
