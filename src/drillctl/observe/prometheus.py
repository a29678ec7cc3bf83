"""Prometheus: instant and range queries, ``up``, active alerts, rule health, query validation.

Talks to ``/api/v1`` with httpx directly rather than prometheus-api-client: that library is
synchronous (it would need a thread per call in our asyncio observer) and pulls pandas and numpy
for its data-frame helpers, which drillctl never uses. The API is a handful of GETs with a JSON
envelope; see api-contracts.md §1.

Pitfalls handled here: sample values are strings (``"NaN"``, ``"+Inf"``); an empty result is not
an error; until Prometheus is ready every ``/api/v1`` path answers 503 with a plain-text body.

A signal's value is the sum of the result vector (write the query so it aggregates), a scalar's
value, or None when the result is empty. NaN and infinite samples are treated as no data. An answer
that cannot give a number is "unavailable: why", never a silent None: ``data: null``, an unknown
``resultType``, a ``string`` result, a result of native histograms only (query
``histogram_sum(...)`` or ``histogram_quantile(...)`` instead), or anything else off the documented
shape (``guarded``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import httpx

from drillctl.core.errors import SourceUnavailable
from drillctl.core.timeconv import from_unix_s, parse_rfc3339, to_prom_s
from drillctl.observe.base import ActiveAlert, Evidence, QueryError
from drillctl.observe.httpapi import (
    HttpApi,
    error_text,
    guarded,
    not_a,
    parse_json,
    raise_for_status,
)
from drillctl.scenario.model import EvidenceQuery, Signal

Labels = dict[str, str]


@dataclass(frozen=True)
class Series:
    labels: Labels
    points: list[tuple[datetime, float | None]]


@dataclass(frozen=True)
class RuleHealth:
    group: str
    name: str
    kind: str  # alerting | recording
    health: str  # ok | err | unknown
    last_error: str | None


def sample_value(text: Any) -> float | None:
    """A Prometheus sample value (a string); NaN and ±Inf are no data."""
    value = float(text)
    return value if math.isfinite(value) else None


@guarded
class PrometheusSource:
    name = "prometheus"

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    async def _data(self, path: str, subject: str | None = None, **params: Any) -> Any:
        response = await self.api.send("GET", path, params=params or None)
        if response.status_code == 503 and "json" not in response.headers.get("content-type", ""):
            raise SourceUnavailable(self.name, f"not ready: {error_text(response)}")
        data = self._envelope(response, subject).get("data")
        if not isinstance(data, dict):
            where = f"{subject}: " if subject else ""
            raise SourceUnavailable(self.name, f"{where}{path}: `data` {not_a('an object', data)}")
        return data

    def _envelope(self, response: httpx.Response, subject: str | None) -> dict[str, Any]:
        body = parse_json(response.text)
        if isinstance(body, dict) and body.get("status") == "error":
            reason = f"{body.get('errorType', 'error')}: {body.get('error', '')}"
            if response.status_code in (400, 422):
                raise QueryError(self.name, reason, subject)
            raise SourceUnavailable(self.name, f"{subject}: {reason}" if subject else reason)
        raise_for_status(self.name, response, subject)
        if not isinstance(body, dict):
            raise SourceUnavailable(self.name, f"not JSON: {response.text[:80]!r}")
        return body

    async def check(self) -> dict[str, Any]:
        ready = await self.api.send("GET", "/-/ready")
        if not ready.is_success:
            raise SourceUnavailable(
                self.name, f"not ready: HTTP {ready.status_code} {error_text(ready)}"
            )
        info = await self._data("/api/v1/status/buildinfo")
        return {"version": info.get("version", "?"), "ready": True}

    async def query(
        self, promql: str, at: datetime | None = None, *, subject: str | None = None
    ) -> list[Series]:
        params: dict[str, Any] = {"query": promql}
        if at is not None:
            params["time"] = f"{to_prom_s(at):.3f}"
        data = await self._data("/api/v1/query", subject, **params)
        return _series(data, subject)

    async def query_range(
        self,
        promql: str,
        start: datetime,
        end: datetime,
        step: timedelta,
        *,
        subject: str | None = None,
    ) -> list[Series]:
        seconds = max(step.total_seconds(), (end - start).total_seconds() / 10_000, 0.001)
        data = await self._data(
            "/api/v1/query_range",
            subject,
            query=promql,
            start=f"{to_prom_s(start):.3f}",
            end=f"{to_prom_s(end):.3f}",
            step=f"{seconds:g}",
        )
        return _series(data, subject)

    async def read(self, signal: Signal, at: datetime) -> float | None:
        return total(await self.query(signal.query, at, subject=f"signal {signal.name}"))

    async def up(self) -> dict[str, float | None]:
        """``up`` per job/instance: which scrape targets answer."""
        series = await self.query("up")
        return {
            f"{s.labels.get('job', '?')}/{s.labels.get('instance', '?')}": s.points[-1][1]
            for s in series
        }

    async def active_alerts(self) -> list[ActiveAlert]:
        data = await self._data("/api/v1/alerts")
        return [_alert(item) for item in data.get("alerts") or []]

    async def rule_health(self) -> list[RuleHealth]:
        data = await self._data("/api/v1/rules")
        return [
            RuleHealth(
                group["name"],
                rule["name"],
                rule.get("type", "?"),
                rule.get("health", "unknown"),
                rule.get("lastError") or None,
            )
            for group in data.get("groups") or []
            for rule in group.get("rules") or []
        ]

    async def validate_queries(self, signals: Iterable[Signal]) -> list[str]:
        """Run each Prometheus signal's query once; problems name the signal and quote Prometheus.

        For the engine's preflight: a bad query must stop the drill before anything is injected.
        Raises SourceUnavailable when Prometheus itself does not answer."""
        problems: list[str] = []
        for signal in signals:
            if signal.source != "prometheus":
                continue
            try:
                await self.query(signal.query, subject=f"signal {signal.name}")
            except QueryError as exc:
                problems.append(
                    f"signal {signal.name}: Prometheus refused {signal.query!r}: "
                    f"{exc.reason.split(': ', 1)[-1]}"
                )
        return problems

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        if not query.query:
            raise QueryError(self.name, "a prometheus evidence query needs `query`", query.name)
        step = timedelta(seconds=max(1.0, (end - start).total_seconds() / 200))
        series = await self.query_range(
            query.query, start, end, step, subject=f"evidence {query.name}"
        )
        items = [_series_summary(s) for s in series[: query.limit]]
        return Evidence(
            kind="metric",
            source=self.name,
            summary=f"{query.name}: {len(series)} series",
            items=items,
        )


def total(series: list[Series]) -> float | None:
    values = [s.points[-1][1] for s in series if s.points and s.points[-1][1] is not None]
    return float(sum(v for v in values if v is not None)) if values else None


def _series(data: dict[str, Any], subject: str | None) -> list[Series]:
    """The series of a query answer, whatever its documented ``resultType``."""
    kind, result = data.get("resultType"), cast(Any, data.get("result"))
    if kind == "string":
        raise QueryError("prometheus", "the query returns a string, not a number", subject)
    if kind == "scalar":
        at, text = result
        return [Series({}, [(from_unix_s(at), sample_value(text))])]
    if kind not in ("vector", "matrix"):
        raise SourceUnavailable("prometheus", f"unknown resultType {kind!r}")
    if not isinstance(result, list):
        raise SourceUnavailable("prometheus", f"{kind} result {not_a('a list', result)}")
    numbers = [item for item in result if "value" in item or item.get("values") is not None]
    if result and not numbers:  # native histograms carry `histogram(s)` instead: not a number
        raise QueryError("prometheus", _HISTOGRAMS_ONLY, subject)
    return [_vector_series(item) if kind == "vector" else _range_series(item) for item in numbers]


_HISTOGRAMS_ONLY = (
    "the query returns native histograms only, not numbers: "
    "use histogram_sum(), histogram_count() or histogram_quantile()"
)


def _vector_series(item: dict[str, Any]) -> Series:
    at, text = item["value"]
    return Series(_labels(item), [(from_unix_s(at), sample_value(text))])


def _range_series(item: dict[str, Any]) -> Series:
    points = [(from_unix_s(at), sample_value(text)) for at, text in item.get("values") or []]
    return Series(_labels(item), [(t, v) for t, v in points if v is not None])


def _labels(item: dict[str, Any]) -> Labels:
    metric = item.get("metric") or {}
    if not isinstance(metric, dict):
        raise TypeError(f"series labels {not_a('an object', metric)}")
    return {str(k): str(v) for k, v in metric.items()}


def _alert(item: dict[str, Any]) -> ActiveAlert:
    labels = item.get("labels", {})
    active = item.get("activeAt")
    return ActiveAlert(
        name=labels.get("alertname", "?"),
        state=item.get("state", "firing"),
        source="prometheus",
        active_at=parse_rfc3339(active) if active else None,
        labels=labels,
    )


def _series_summary(series: Series) -> dict[str, Any]:
    values = [v for _, v in series.points if v is not None]
    return {
        "labels": series.labels,
        "min": min(values, default=None),
        "max": max(values, default=None),
        "last": values[-1] if values else None,
        "points": len(values),
    }
