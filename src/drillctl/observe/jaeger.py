"""Jaeger: error spans of a service in the drill window, summarised per operation.

api_v3 first (``GET /api/v3/traces``, the stable surface): both time bounds as RFC3339Nano,
``query.num_traces`` always sent (older v2 releases with memory storage fail without it), and a
404 with ``{"error": {...}}`` means "no traces", not a failure. A 404 without that body means the
server has no api_v3 (Jaeger 1.x query port): fall back to the internal v1 ``/api/traces`` search
with ``start``/``end`` in **microseconds** and ``tags={"error":"true"}`` (api-contracts.md §4).
Jaeger after 2.20 removed the v1 search; v1 remains a fallback only.

A span is an error when its OTLP status code is 2 (ERROR), its ``error`` tag/attribute is true
(bool or the string "true"), or its ``otel.status_code`` is ``ERROR``. The summary gives, per
operation: count, first and last seen, one example trace id and its UI link.

An answer is read whole or not at all: api_v3 streams its result as JSON chunks back to back
(NDJSON, one ``{"result": ...}`` per chunk, an ``{"error": ...}`` chunk when the stream fails), so
every chunk is read; a 200 that is not JSON (an HTML login page from a proxy) or a v1 answer with
an ``errors`` array is "unavailable: why", never "no error spans".

``TraceLogSource`` is the fallback when no Jaeger is configured: error log lines that carry a
``trace_id`` (ebit-api logs JSON with that field), summarised the same way, without links.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from drillctl.core.errors import SourceUnavailable
from drillctl.core.timeconv import from_unix_ns, from_unix_us, to_jaeger_us, to_rfc3339
from drillctl.observe.base import Evidence, QueryError
from drillctl.observe.httpapi import (
    HttpApi,
    guarded,
    json_stream,
    not_a,
    parse_json,
    raise_for_status,
)
from drillctl.observe.loglines import LogReader, json_fields, line_time
from drillctl.scenario.model import EvidenceQuery, Signal

STATUS_ERROR = 2
SIGNAL_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True)
class ErrorSpan:
    operation: str
    trace_id: str
    at: datetime | None


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def summarise(spans: Iterable[ErrorSpan], link: Any = None) -> list[dict[str, Any]]:
    """One item per operation, most errors first."""
    groups: dict[str, list[ErrorSpan]] = {}
    for span in spans:
        groups.setdefault(span.operation, []).append(span)
    items = []
    for operation, group in groups.items():
        times = sorted(s.at for s in group if s.at is not None)
        example = group[0].trace_id
        items.append(
            {
                "operation": operation,
                "count": len(group),
                "first_seen": times[0].isoformat() if times else None,
                "last_seen": times[-1].isoformat() if times else None,
                "example_trace_id": example,
                "link": link(example) if link else None,
            }
        )
    return sorted(items, key=lambda item: (-item["count"], item["operation"]))


def _trace_evidence(
    name: str, source: str, service: str, spans: list[ErrorSpan], link: Any
) -> Evidence:
    items = summarise(spans, link)
    summary = f"{name}: {len(spans)} error spans of {service} in {len(items)} operations"
    return Evidence(kind="trace", source=source, summary=summary, items=items)


@guarded
class JaegerSource:
    name = "jaeger"

    def __init__(
        self, api: HttpApi, *, public_url: str | None = None, num_traces: int = 100
    ) -> None:
        self.api = api
        self.public_url = (public_url or api.base_url).rstrip("/")
        self.num_traces = num_traces

    def link(self, trace_id: str) -> str:
        return f"{self.public_url}/trace/{trace_id}"

    async def check(self) -> dict[str, Any]:
        response = await self.api.send("GET", "/api/v3/services")
        if response.status_code == 404:
            response = await self.api.send("GET", "/api/services")
            raise_for_status(self.name, response)
            body = _object(response.text, "/api/services")
            return {"version": "v1 API", "services": len(body.get("data") or [])}
        raise_for_status(self.name, response)
        body = _object(response.text, "/api/v3/services")
        return {"version": "api_v3", "services": len(body.get("services") or [])}

    async def error_spans(self, service: str, start: datetime, end: datetime) -> list[ErrorSpan]:
        params = {
            "query.service_name": service,
            "query.start_time_min": to_rfc3339(start),
            "query.start_time_max": to_rfc3339(end),
            "query.num_traces": str(self.num_traces),
        }
        response = await self.api.send("GET", "/api/v3/traces", params=params)
        body = parse_json(response.text)
        if response.status_code == 404 and isinstance(body, dict) and "error" in body:
            return []  # api_v3's way of saying "no traces"
        if response.status_code == 404:
            return await self._error_spans_v1(service, start, end)
        raise_for_status(self.name, response, f"traces of {service}")
        return [span for chunk in _v3_chunks(response.text) for span in _v3_error_spans(chunk)]

    async def _error_spans_v1(
        self, service: str, start: datetime, end: datetime
    ) -> list[ErrorSpan]:
        params = {
            "service": service,
            "start": str(to_jaeger_us(start)),
            "end": str(to_jaeger_us(end)),
            "limit": str(self.num_traces),
            "tags": json.dumps({"error": "true"}),
        }
        body = await self.api.json_object(
            "GET", "/api/traces", params=params, subject=f"traces of {service}"
        )
        errors = body.get("errors")
        if errors:  # v1 answers 200 with {"data": null, "errors": [{"code", "msg"}]}
            first = errors[0] if isinstance(errors, list) else errors
            reason = first.get("msg", first) if isinstance(first, dict) else first
            raise SourceUnavailable(self.name, f"traces of {service}: {reason}")
        return list(_v1_error_spans(body))

    async def read(self, signal: Signal, at: datetime) -> float | None:
        service = signal.service or signal.query
        spans = await self.error_spans(service, at - SIGNAL_WINDOW, at)
        operation = signal.query if signal.service else None
        return float(sum(1 for s in spans if operation in (None, "", s.operation)))

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        service = query.service or query.query
        if not service:
            raise QueryError(
                self.name, "a trace evidence query needs `service`", f"evidence {query.name}"
            )
        spans = await self.error_spans(service, start, end)
        return _trace_evidence(query.name, self.name, service, spans, self.link)


def _object(text: str, path: str) -> dict[str, Any]:
    body = parse_json(text)
    if not isinstance(body, dict):
        shown = "not JSON" if body is None and text.strip() else not_a("an object", body)
        raise SourceUnavailable("jaeger", f"{path}: {shown}: {text[:80]!r}")
    return body


def _v3_chunks(text: str) -> list[dict[str, Any]]:
    """The chunks of an api_v3 answer (one, or a stream); a failed stream is unavailable."""
    try:
        chunks = list(json_stream(text))
    except ValueError as exc:
        raise SourceUnavailable("jaeger", f"/api/v3/traces: not JSON: {text[:80]!r}") from exc
    for chunk in chunks:
        if not isinstance(chunk, dict):
            raise SourceUnavailable("jaeger", f"/api/v3/traces: chunk {not_a('an object', chunk)}")
        error = chunk.get("error")
        if error and not _no_traces(error):
            message = error.get("message", error) if isinstance(error, dict) else error
            raise SourceUnavailable("jaeger", f"/api/v3/traces: {message}")
    return chunks


def _no_traces(error: Any) -> bool:
    """The stream's own "no traces" (gRPC NOT_FOUND), which is not a failure."""
    return isinstance(error, dict) and (
        error.get("httpCode", error.get("http_code")) == 404
        or error.get("grpcCode", error.get("grpc_code")) == 5
    )


def _v3_error_spans(body: dict[str, Any]) -> Iterable[ErrorSpan]:
    for resource in (body.get("result") or {}).get("resourceSpans") or []:
        for scope in resource.get("scopeSpans") or []:
            for span in scope.get("spans") or []:
                if _v3_is_error(span):
                    at = span.get("startTimeUnixNano")
                    yield ErrorSpan(
                        span.get("name", "?"),
                        span.get("traceId", "?"),
                        from_unix_ns(at) if at else None,
                    )


def _v3_is_error(span: dict[str, Any]) -> bool:
    if (span.get("status") or {}).get("code") in (STATUS_ERROR, "STATUS_CODE_ERROR"):
        return True
    attributes = {a.get("key"): a.get("value") or {} for a in span.get("attributes") or []}
    error = attributes.get("error", {})
    status = attributes.get("otel.status_code", {})
    return (
        _truthy(error.get("boolValue"))
        or _truthy(error.get("stringValue"))
        or status.get("stringValue") == "ERROR"
    )


def _v1_error_spans(body: dict[str, Any]) -> Iterable[ErrorSpan]:
    for trace in body.get("data") or []:
        for span in trace.get("spans") or []:
            tags = {t.get("key"): t.get("value") for t in span.get("tags") or []}
            if _truthy(tags.get("error")) or tags.get("otel.status_code") == "ERROR":
                at = span.get("startTime")
                trace_id = span.get("traceID") or trace.get("traceID", "?")
                yield ErrorSpan(
                    span.get("operationName", "?"), trace_id, from_unix_us(at) if at else None
                )


class TraceLogSource:
    """No Jaeger: error log lines carrying a ``trace_id``, read through Loki or compose logs."""

    name = "jaeger"

    def __init__(self, logs: LogReader) -> None:
        self.logs = logs

    async def check(self) -> dict[str, Any]:
        return {"fallback": f"no Jaeger: error log lines with trace ids, via {self.logs.name}"}

    async def error_spans(self, service: str, start: datetime, end: datetime) -> list[ErrorSpan]:
        lines = await self.logs.lines(service, start, end, pattern="trace_id", limit=5000)
        spans = []
        for line in lines:
            fields = json_fields(line.text)
            if fields.get("trace_id") and _is_error_line(fields):
                operation = str(
                    fields.get("route") or fields.get("path") or fields.get("msg") or "?"
                )
                spans.append(
                    ErrorSpan(operation, str(fields["trace_id"]), line_time(fields) or line.at)
                )
        return spans

    async def read(self, signal: Signal, at: datetime) -> float | None:
        service = signal.service or signal.query
        return float(len(await self.error_spans(service, at - SIGNAL_WINDOW, at)))

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        service = query.service or query.query
        if not service:
            raise QueryError(
                self.name, "a trace evidence query needs `service`", f"evidence {query.name}"
            )
        spans = await self.error_spans(service, start, end)
        found = _trace_evidence(query.name, self.logs.name, service, spans, None)
        # not Jaeger: say where the "spans" came from, so 0 never reads as "Jaeger found none"
        summary = (
            f"{query.name}: no Jaeger configured; {len(spans)} error log lines of {service} "
            f"carry a trace id ({self.logs.name}), in {len(found.items)} operations"
        )
        return Evidence(kind=found.kind, source=found.source, summary=summary, items=found.items)


def _is_error_line(fields: dict[str, Any]) -> bool:
    level = str(fields.get("level") or fields.get("severity") or "").lower()
    status = fields.get("status") or fields.get("status_code")
    return level in ("error", "err", "critical", "fatal") or (
        str(status).isdigit() and int(str(status)) >= 500
    )
