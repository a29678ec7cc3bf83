"""Loki: log lines with LogQL ``query_range``, and metric LogQL for signals (api-contracts.md §3).

Pitfalls handled here: ``start``/``end`` go out as **nanosecond** integers (a millisecond value
would silently query 1970); stream timestamps come back as nanosecond *strings*; entries of one
answer are split over several streams (merged and sorted here); the default ``limit`` of 100
truncates silently (always sent); errors are plain text, not JSON; log (stream) queries are
refused by the instant endpoint from Loki 3.2 on, so signals must be metric queries such as
``sum(count_over_time({service="ebit-api"} |= "error" [30s]))``; ``/ready`` answers 503 for
a while after start. Multi-tenant Loki needs ``X-Scope-OrgID`` (``sources.loki_tenant``).
An instant answer may be a ``vector`` or a ``scalar``; a stream's ``values`` may be null (no
entries); a timestamp is nanoseconds as a string or a number, or RFC3339. Any other shape is
"unavailable: why" (``guarded``), never a silent empty result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from drillctl.core.errors import SourceUnavailable
from drillctl.core.timeconv import from_unix_ns, parse_rfc3339, to_loki_ns
from drillctl.observe.base import Evidence, QueryError
from drillctl.observe.httpapi import HttpApi, error_text, guarded, not_a, parse_json
from drillctl.observe.loglines import log_evidence, logql_hints, matches
from drillctl.observe.prometheus import sample_value
from drillctl.scenario.model import EvidenceQuery, Signal
from drillctl.target.base import LogLine

MAX_LINES = 5000  # Loki's default max_entries_limit_per_query
SERVICE_LABELS = ("service_name", "service", "compose_service", "container", "job")


def selector(label: str, service: str, pattern: str | None = None) -> str:
    query = f'{{{label}="{service}"}}'
    if pattern:
        query += f" |~ `{pattern}`" if "`" not in pattern else f' |~ "{_go_escape(pattern)}"'
    return query


def _go_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@guarded
class LokiSource:
    name = "loki"

    def __init__(self, api: HttpApi, *, service_label: str = "service") -> None:
        self.api = api
        self.service_label = service_label

    async def check(self) -> dict[str, Any]:
        ready = await self.api.send("GET", "/ready")
        if not ready.is_success:
            raise SourceUnavailable(
                self.name, f"not ready: HTTP {ready.status_code} {error_text(ready)}"
            )
        info = await self.api.send("GET", "/loki/api/v1/status/buildinfo")
        body = parse_json(info.text) if info.is_success else None
        version = body.get("version", "?") if isinstance(body, dict) else "?"
        return {"version": version, "ready": True}

    async def query_range(
        self,
        logql: str,
        start: datetime,
        end: datetime,
        *,
        limit: int = 100,
        subject: str | None = None,
    ) -> list[LogLine]:
        """Log lines in [start, end), oldest first; the newest ``limit`` when there are more."""
        params = {
            "query": logql,
            "start": str(to_loki_ns(start)),
            "end": str(to_loki_ns(end)),
            "limit": str(limit),
            "direction": "backward",
        }
        body = await self.api.json_object(
            "GET", "/loki/api/v1/query_range", params=params, subject=subject
        )
        data = _data(body)
        if data.get("resultType") != "streams":
            raise QueryError(self.name, "expected a log query, got a metric query", subject)
        return _merge_streams(data.get("result") or [], self._service_of)[-limit:]

    async def lines(
        self,
        service: str,
        start: datetime,
        end: datetime,
        *,
        pattern: str | None = None,
        limit: int = 100,
    ) -> list[LogLine]:
        logql = selector(self.service_label, service, pattern)
        return await self.query_range(logql, start, end, limit=limit, subject=f"logs of {service}")

    async def read(self, signal: Signal, at: datetime) -> float | None:
        params = {"query": signal.query, "time": str(to_loki_ns(at))}
        body = await self.api.json_object(
            "GET", "/loki/api/v1/query", params=params, subject=f"signal {signal.name}"
        )
        return _instant_value(_data(body), f"signal {signal.name}")

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        subject = f"evidence {query.name}"
        if query.query:
            fetch = query.limit if query.pattern is None else MAX_LINES
            found = await self.query_range(query.query, start, end, limit=fetch, subject=subject)
            found = [line for line in found if matches(query.pattern, line.text)][-query.limit :]
            return log_evidence(query.name, self.name, found, query.query)
        service = query.service or logql_hints(query.query or "")[0]
        if not service:
            raise QueryError(self.name, "a log evidence query needs `query` or `service`", subject)
        found = await self.lines(service, start, end, pattern=query.pattern, limit=query.limit)
        return log_evidence(
            query.name, self.name, found, selector(self.service_label, service, query.pattern)
        )

    def _service_of(self, labels: dict[str, str]) -> str:
        for key in (self.service_label, *SERVICE_LABELS):
            if key in labels:
                return labels[key]
        return "?"


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    if not isinstance(data, dict):
        raise SourceUnavailable("loki", f"`data` {not_a('an object', data)}")
    return data


def _instant_value(data: dict[str, Any], subject: str) -> float | None:
    """The sum of a vector, or a scalar; a log (streams) query is refused with a reason."""
    kind, result = data.get("resultType"), cast(Any, data.get("result"))
    if kind == "streams":
        raise QueryError("loki", "a Loki signal needs a metric query", subject)
    if kind == "scalar":
        return sample_value(result[1])
    if kind != "vector":
        raise SourceUnavailable("loki", f"unknown resultType {kind!r}")
    values = [sample_value(item["value"][1]) for item in result or []]
    numbers = [v for v in values if v is not None]
    return float(sum(numbers)) if numbers else None


def _merge_streams(result: list[dict[str, Any]], service_of: Any) -> list[LogLine]:
    entries = [
        (at, LogLine(service=service_of(stream.get("stream") or {}), at=at, text=str(line)))
        for stream in result
        for ts, line, *_metadata in stream.get("values") or []  # null: a stream with no entries
        for at in (_entry_time(ts),)
    ]
    entries.sort(key=lambda pair: pair[0])
    return [line for _, line in entries]


def _entry_time(ts: Any) -> datetime:
    """Nanoseconds as Loki sends them (a string), as a number, or an RFC3339 string."""
    if isinstance(ts, int | str) and str(ts).isdigit():
        return from_unix_ns(ts)
    at = parse_rfc3339(ts) if isinstance(ts, str) else None
    if at is None:
        raise ValueError(f"log entry timestamp {ts!r} is neither nanoseconds nor RFC3339")
    return at
