"""Jaeger client against a fake answering as api-contracts.md §4 documents (api_v3, then v1)."""

from __future__ import annotations

import json

import pytest
from contract_helpers import T0, T1, args, evidence, run
from pytest_httpserver import HTTPServer as HttpServer

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.jaeger import JaegerSource

V3 = "/api/v3/traces"
V1 = "/api/traces"


def otlp_span(
    name: str, trace: str, start_ns: str, *, code: int = 0, attributes: list | None = None
) -> dict:
    return {
        "traceId": trace,
        "spanId": "0000000000000002",
        "name": name,
        "kind": 2,
        "startTimeUnixNano": start_ns,
        "endTimeUnixNano": str(int(start_ns) + 1000),
        "status": {"code": code, "message": "upstream timeout"} if code else {},
        "attributes": attributes or [],
    }


def v3_answer(*spans: dict) -> dict:
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": "ebit-api"}}]}
    return {
        "result": {
            "resourceSpans": [
                {"resource": resource, "scopeSpans": [{"scope": {}, "spans": list(spans)}]}
            ]
        }
    }


def test_v3_sends_both_bounds_as_rfc3339_and_always_num_traces(httpserver: HttpServer) -> None:
    httpserver.expect_request(V3).respond_with_json(v3_answer())
    run(httpserver, "jaeger", lambda api: JaegerSource(api).error_spans("ebit-api", T0, T1))
    [sent] = args(httpserver, V3)
    assert sent["query.service_name"] == "ebit-api"
    assert sent["query.start_time_min"] == "2024-05-01T10:00:00.123456Z"
    assert sent["query.start_time_max"] == "2024-05-01T10:15:00Z"
    assert sent["query.num_traces"] == "100"


def test_v3_404_means_no_traces_not_a_failure_and_no_v1_fallback(httpserver: HttpServer) -> None:
    body = {"error": {"httpCode": 404, "message": "No traces found"}}
    httpserver.expect_request(V3).respond_with_json(body, status=404)
    found = run(
        httpserver,
        "jaeger",
        lambda api: JaegerSource(api).evidence(evidence("jaeger", service="ebit-api"), T0, T1),
    )
    assert found.items == [] and found.summary == "e: 0 error spans of ebit-api in 0 operations"
    assert args(httpserver, V1) == []


def test_v3_error_spans_summarised_per_operation_with_ns_strings_and_links(
    httpserver: HttpServer,
) -> None:
    error_attr = [{"key": "error", "value": {"boolValue": True}}]
    otel_attr = [{"key": "otel.status_code", "value": {"stringValue": "ERROR"}}]
    answer = v3_answer(
        otlp_span("POST /bets", "aa01", "1714557601000000000", code=2),
        otlp_span("POST /bets", "aa02", "1714557605000000000", attributes=error_attr),
        otlp_span("GET /games", "bb01", "1714557603000000000", attributes=otel_attr),
        otlp_span("GET /health", "cc01", "1714557604000000000", code=1),  # OK: not an error
    )
    httpserver.expect_request(V3).respond_with_json(answer)
    source = lambda api: JaegerSource(api, public_url="http://jaeger.example").evidence(  # noqa: E731
        evidence("jaeger", service="ebit-api"), T0, T1
    )
    found = run(httpserver, "jaeger", source)
    assert found.kind == "trace"
    first, second = found.items
    assert first == {
        "operation": "POST /bets",
        "count": 2,
        "first_seen": "2024-05-01T10:00:01+00:00",
        "last_seen": "2024-05-01T10:00:05+00:00",
        "example_trace_id": "aa01",
        "link": "http://jaeger.example/trace/aa01",
    }
    assert second["operation"] == "GET /games" and second["count"] == 1


def test_no_api_v3_falls_back_to_v1_with_microseconds_and_error_tag(httpserver: HttpServer) -> None:
    httpserver.expect_request(V3).respond_with_data(
        "404 page not found\n", status=404, content_type="text/plain"
    )
    v1 = {
        "data": [
            {
                "traceID": "83a9",
                "processes": {"p1": {"serviceName": "ebit-api", "tags": []}},
                "warnings": None,
                "spans": [
                    {
                        "traceID": "83a9",
                        "spanID": "e1",
                        "operationName": "POST /bets",
                        "startTime": 1714557600123456,
                        "duration": 10,
                        "processID": "p1",
                        "references": [],
                        "logs": [],
                        "tags": [{"key": "error", "type": "bool", "value": True}],
                    },
                    {
                        "traceID": "83a9",
                        "spanID": "e2",
                        "operationName": "redis GET",
                        "startTime": 1714557600123500,
                        "duration": 5,
                        "processID": "p1",
                        "references": [],
                        "logs": [],
                        "tags": [{"key": "otel.status_code", "type": "string", "value": "OK"}],
                    },
                ],
            }
        ],
        "total": 0,
        "limit": 0,
        "offset": 0,
        "errors": None,
    }
    httpserver.expect_request(V1).respond_with_json(v1)
    spans = run(httpserver, "jaeger", lambda api: JaegerSource(api).error_spans("ebit-api", T0, T1))
    [sent] = args(httpserver, V1)
    assert sent["start"] == "1714557600123456" and sent["end"] == "1714558500000000"
    assert json.loads(sent["tags"]) == {"error": "true"} and "lookback" not in sent
    assert [(s.operation, s.trace_id) for s in spans] == [("POST /bets", "83a9")]
    assert spans[0].at is not None and spans[0].at.microsecond == 123456


def test_v1_string_true_error_tag_counts(httpserver: HttpServer) -> None:
    httpserver.expect_request(V3).respond_with_data("404 page not found", status=404)
    span = {
        "traceID": "t1",
        "spanID": "s",
        "operationName": "legacy",
        "startTime": 1714557600000000,
        "processID": "p1",
        "tags": [{"key": "error", "type": "string", "value": "true"}],
    }
    httpserver.expect_request(V1).respond_with_json(
        {"data": [{"traceID": "t1", "spans": [span]}], "errors": None}
    )
    spans = run(httpserver, "jaeger", lambda api: JaegerSource(api).error_spans("ebit-api", T0, T1))
    assert [s.operation for s in spans] == ["legacy"]


def test_v1_errors_are_json_served_as_text_plain(httpserver: HttpServer) -> None:
    httpserver.expect_request(V3).respond_with_data("404 page not found", status=404)
    body = {
        "data": None,
        "total": 0,
        "limit": 0,
        "offset": 0,
        "errors": [{"code": 500, "msg": "storage is down"}],
    }
    httpserver.expect_request(V1).respond_with_data(
        json.dumps(body), status=500, content_type="text/plain"
    )
    with pytest.raises(SourceUnavailable, match="storage is down"):
        run(httpserver, "jaeger", lambda api: JaegerSource(api).error_spans("ebit-api", T0, T1))


def test_v3_other_errors_carry_jaegers_message(httpserver: HttpServer) -> None:
    body = {"error": {"httpCode": 400, "message": "malformed parameter query.start_time_min"}}
    httpserver.expect_request(V3).respond_with_json(body, status=400)
    with pytest.raises(SourceUnavailable, match="malformed parameter"):
        run(httpserver, "jaeger", lambda api: JaegerSource(api).error_spans("ebit-api", T0, T1))


def test_check_uses_v3_services_and_falls_back_to_v1(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/v3/services").respond_with_json(
        {"services": ["ebit-api", "jaeger"]}
    )
    assert run(httpserver, "jaeger", lambda api: JaegerSource(api).check()) == {
        "version": "api_v3",
        "services": 2,
    }
