"""Loki client against a fake answering as api-contracts.md §3 documents, one test per pitfall."""

from __future__ import annotations

import pytest
from contract_helpers import T0, T1, args, evidence, run, signal
from pytest_httpserver import HTTPServer as HttpServer

from drillctl.core.errors import SourceUnavailable
from drillctl.core.timeconv import from_unix_ns
from drillctl.observe.base import QueryError
from drillctl.observe.loki import LokiSource

RANGE = "/loki/api/v1/query_range"


def streams(*result: dict) -> dict:
    return {
        "status": "success",
        "data": {"resultType": "streams", "result": list(result), "stats": {"summary": {}}},
    }


def test_start_and_end_go_out_as_nanosecond_integers_never_milliseconds(
    httpserver: HttpServer,
) -> None:
    httpserver.expect_request(RANGE).respond_with_json(streams())
    run(httpserver, "loki", lambda api: LokiSource(api).lines("ebit-api", T0, T1))
    [sent] = args(httpserver, RANGE)
    assert sent["start"] == "1714557600123456000" and len(sent["start"]) == 19
    assert sent["end"] == "1714558500000000000"
    assert from_unix_ns(sent["start"]) == T0


def test_streams_are_merged_sorted_and_timestamps_read_from_ns_strings(
    httpserver: HttpServer,
) -> None:
    answer = streams(
        {
            "stream": {"service_name": "ebit-api", "level": "error"},
            "values": [["1714557600300000000", "c"], ["1714557600100000000", "a"]],
        },
        {
            "stream": {"service_name": "ebit-api", "level": "info"},
            "values": [["1714557600200000000", "b", {"trace_id": "abc"}]],
        },
    )
    answer["data"]["encodingFlags"] = ["x"]  # newer Loki: unknown keys are tolerated
    httpserver.expect_request(RANGE).respond_with_json(answer)
    lines = run(httpserver, "loki", lambda api: LokiSource(api).lines("ebit-api", T0, T1))
    assert [line.text for line in lines] == ["a", "b", "c"]
    assert lines[0].at == from_unix_ns(1714557600100000000) and lines[0].service == "ebit-api"


def test_limit_is_always_sent_because_the_default_100_truncates_silently(
    httpserver: HttpServer,
) -> None:
    httpserver.expect_request(RANGE).respond_with_json(streams())
    query = evidence("loki", query='{service_name="ebit-api"} |= "error"', limit=20)
    run(httpserver, "loki", lambda api: LokiSource(api).evidence(query, T0, T1))
    [sent] = args(httpserver, RANGE)
    assert sent["limit"] == "20" and sent["direction"] == "backward"
    assert sent["query"] == '{service_name="ebit-api"} |= "error"'


def test_empty_answer_is_no_lines_not_an_error(httpserver: HttpServer) -> None:
    httpserver.expect_request(RANGE).respond_with_json(streams())
    found = run(
        httpserver,
        "loki",
        lambda api: LokiSource(api).evidence(evidence("loki", service="ebit-api"), T0, T1),
    )
    assert found.items == [] and found.kind == "log"


def test_plain_text_400_is_a_query_error_with_lokis_own_words(httpserver: HttpServer) -> None:
    text = "parse error at line 1, col 2: syntax error: unexpected IDENTIFIER"
    httpserver.expect_request(RANGE).respond_with_data(
        text + "\n", status=400, content_type="text/plain"
    )
    with pytest.raises(QueryError, match="unexpected IDENTIFIER"):
        run(
            httpserver,
            "loki",
            lambda api: LokiSource(api).query_range("{bad", T0, T1, subject="evidence e"),
        )


def test_instant_endpoint_refuses_log_queries_and_the_signal_says_so(
    httpserver: HttpServer,
) -> None:
    text = (
        "log queries are not supported as an instant query type, "
        "please change your query to a range query type"
    )
    httpserver.expect_request("/loki/api/v1/query").respond_with_data(
        text, status=400, content_type="text/plain"
    )
    with pytest.raises(QueryError, match="signal s: HTTP 400: log queries are not supported"):
        run(
            httpserver,
            "loki",
            lambda api: LokiSource(api).read(signal("loki", '{service_name="x"}'), T1),
        )


def test_metric_signal_sums_string_values_and_sends_ns_time(httpserver: HttpServer) -> None:
    answer = {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [
                {"metric": {"level": "error"}, "value": [1714558500, "3"]},
                {"metric": {"level": "warn"}, "value": [1714558500, "4.5"]},
            ],
        },
    }
    httpserver.expect_request("/loki/api/v1/query").respond_with_json(answer)
    value = run(
        httpserver,
        "loki",
        lambda api: LokiSource(api).read(signal("loki", 'sum(count_over_time({a="b"}[1m]))'), T1),
    )
    assert value == 7.5
    assert args(httpserver, "/loki/api/v1/query")[0]["time"] == "1714558500000000000"


def test_not_ready_503_with_text_is_unavailable_not_a_crash(httpserver: HttpServer) -> None:
    httpserver.expect_request("/ready").respond_with_data(
        "Ingester not ready: waiting for 15s after being ready", status=503
    )
    with pytest.raises(SourceUnavailable, match="Ingester not ready"):
        run(httpserver, "loki", lambda api: LokiSource(api).check())


def test_tenant_header_is_sent_when_configured(httpserver: HttpServer) -> None:
    httpserver.expect_request(RANGE, headers={"X-Scope-OrgID": "ebit"}).respond_with_json(streams())
    run(
        httpserver,
        "loki",
        lambda api: LokiSource(api).lines("ebit-api", T0, T1),
        headers={"X-Scope-OrgID": "ebit"},
    )
    httpserver.check_assertions()


def test_timeout_or_5xx_is_unavailable(httpserver: HttpServer) -> None:
    httpserver.expect_request(RANGE).respond_with_data(
        "request timed out, decrease the duration of the request", status=504
    )
    with pytest.raises(SourceUnavailable, match="request timed out") as caught:
        run(httpserver, "loki", lambda api: LokiSource(api).lines("ebit-api", T0, T1))
    assert not isinstance(caught.value, QueryError)
