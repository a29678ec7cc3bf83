"""Issue #18's server answers, from the upstream examples in ``upstream_examples.py``: each one
becomes real samples or "source unavailable: <why>", never a crash and never a silent empty."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import upstream_examples as up
from contract_helpers import T0, T1, evidence, run, signal
from pytest_httpserver import HTTPServer as HttpServer

from drillctl.core.clock import FakeClock
from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import QueryError
from drillctl.observe.grafana import GrafanaSource
from drillctl.observe.jaeger import JaegerSource
from drillctl.observe.loki import LokiSource
from drillctl.observe.prometheus import PrometheusSource
from drillctl.readiness.http import ApiFailure
from drillctl.readiness.pagerduty import MAX_PAGES, PagerDuty


def answer(
    server: HttpServer, path: str, example: up.Example, ctype: str = "application/json"
) -> None:
    server.expect_request(path).respond_with_data(example.body, example.status, content_type=ctype)


def prom_read(server: HttpServer) -> Any:
    return run(
        server, "prometheus", lambda a: PrometheusSource(a).read(signal("prometheus", "up"), T1)
    )


# --- Prometheus ------------------------------------------------------------------------------


def test_prometheus_documented_vector_and_scalar_are_samples(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/v1/query", up.PROM_VECTOR)
    assert prom_read(httpserver) == 1.0  # 1 + 0
    httpserver.clear()
    answer(httpserver, "/api/v1/query", up.PROM_SCALAR)
    assert prom_read(httpserver) == 42.0


def test_prometheus_documented_matrix_is_evidence_with_every_point(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/v1/query_range", up.PROM_MATRIX)
    got = run(
        httpserver,
        "prometheus",
        lambda a: PrometheusSource(a).evidence(evidence("prometheus", query="up"), T0, T1),
    )
    assert [(i["labels"]["job"], i["points"], i["last"]) for i in got.items] == [
        ("prometheus", 3, 1.0),
        ("node", 3, 1.0),
    ]


@pytest.mark.parametrize(
    ("example", "why"),
    [
        (up.PROM_STRING, "signal s: the query returns a string, not a number"),
        (up.PROM_DATA_NULL, "/api/v1/query: `data` answered null, not an object"),
        (up.PROM_HISTOGRAMS_ONLY, "native histograms only"),
        (up.PROM_BAD_DATA, 'signal s: bad_data: invalid parameter "query"'),
    ],
)
def test_prometheus_unusable_answers_are_unavailable_with_the_reason(
    httpserver: HttpServer, example: up.Example, why: str
) -> None:
    answer(httpserver, "/api/v1/query", example)
    with pytest.raises(SourceUnavailable, match=r"^prometheus unavailable: ") as caught:
        prom_read(httpserver)
    assert why in str(caught.value)


def test_prometheus_histogram_only_is_refused_as_a_query_problem(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/v1/query", up.PROM_HISTOGRAMS_ONLY)
    with pytest.raises(QueryError, match="use histogram_sum"):
        prom_read(httpserver)


# --- Loki ------------------------------------------------------------------------------------


def loki_read(server: HttpServer) -> Any:
    query = 'sum(rate({job="varlogs"}[10m]))'
    return run(server, "loki", lambda a: LokiSource(a).read(signal("loki", query), T1))


def loki_lines(server: HttpServer) -> Any:
    return run(server, "loki", lambda a: LokiSource(a).query_range('{job="varlogs"}', T0, T1))


def test_loki_documented_vector_and_a_scalar_are_samples(httpserver: HttpServer) -> None:
    answer(httpserver, "/loki/api/v1/query", up.LOKI_VECTOR)
    assert loki_read(httpserver) == pytest.approx(1267.1266666666666 + 37.77166666666667 + 37.69)
    httpserver.clear()
    answer(httpserver, "/loki/api/v1/query", up.LOKI_SCALAR)
    assert loki_read(httpserver) == 2.0


def test_loki_null_values_and_string_timestamps_keep_every_line(httpserver: HttpServer) -> None:
    answer(httpserver, "/loki/api/v1/query_range", up.LOKI_VALUES_NULL)
    assert [line.text for line in loki_lines(httpserver)] == ["foo"]
    httpserver.clear()
    answer(httpserver, "/loki/api/v1/query_range", up.LOKI_STRING_TIMESTAMPS)
    lines = loki_lines(httpserver)
    assert [(line.text, line.at.isoformat() if line.at else None) for line in lines] == [
        ("bar", "2019-09-23T19:21:32.548155+00:00"),
        ("foo", "2019-09-23T19:21:37.240578+00:00"),
    ]


def test_loki_documented_streams_are_lines_oldest_first(httpserver: HttpServer) -> None:
    answer(httpserver, "/loki/api/v1/query_range", up.LOKI_STREAMS)
    assert [line.text for line in loki_lines(httpserver)] == ["bar", "foo"]


# --- Jaeger ----------------------------------------------------------------------------------


def error_spans(server: HttpServer) -> Any:
    return run(server, "jaeger", lambda a: JaegerSource(a).error_spans("api", T0, T1))


def test_jaeger_stream_of_chunks_is_read_whole(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/v3/traces", up.JAEGER_STREAM, "application/x-ndjson")
    assert [(s.operation, s.trace_id[-1]) for s in error_spans(httpserver)] == [
        ("foobar", "1"),
        ("checkout", "2"),
    ]


def test_jaeger_single_answer_and_documented_no_traces(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/v3/traces", up.JAEGER_ONE_CHUNK)
    assert [s.operation for s in error_spans(httpserver)] == ["foobar"]
    httpserver.clear()
    answer(httpserver, "/api/v3/traces", up.JAEGER_NO_TRACES)
    assert error_spans(httpserver) == []


@pytest.mark.parametrize(
    ("example", "ctype", "why"),
    [
        (
            up.JAEGER_HTML,
            "text/html",
            "jaeger unavailable: /api/v3/traces: not JSON: '<!doctype html>",
        ),
        (up.JAEGER_STREAM_ERROR, "application/json", "storage: context deadline exceeded"),
    ],
)
def test_jaeger_v3_unusable_answers_are_unavailable(
    httpserver: HttpServer, example: up.Example, ctype: str, why: str
) -> None:
    answer(httpserver, "/api/v3/traces", example, ctype)
    with pytest.raises(SourceUnavailable) as caught:
        error_spans(httpserver)
    assert why in str(caught.value)


def test_jaeger_v1_200_with_errors_is_unavailable_not_no_spans(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/v3/traces").respond_with_data("404 page not found", 404)
    answer(httpserver, "/api/traces", up.JAEGER_V1_ERRORS, "text/plain")
    with pytest.raises(SourceUnavailable, match="traces of api: trace not found in span store"):
        error_spans(httpserver)


# --- Grafana ---------------------------------------------------------------------------------


def test_grafana_documented_search_finds_the_dashboard(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/search", up.GRAFANA_SEARCH)
    found = run(
        httpserver, "grafana", lambda a: GrafanaSource(a).find_dashboard("Production Overview")
    )
    assert (found.uid, found.url) == ("cIBgcSjkk", "/d/cIBgcSjkk/production-overview")


def test_grafana_search_answering_an_object_is_unavailable(httpserver: HttpServer) -> None:
    answer(httpserver, "/api/search", up.GRAFANA_SEARCH_OBJECT)
    with pytest.raises(SourceUnavailable, match="/api/search answered an object, not a list"):
        run(httpserver, "grafana", lambda a: GrafanaSource(a).find_dashboard("Production Overview"))


# --- PagerDuty -------------------------------------------------------------------------------


def pagerduty(server: HttpServer, call: Any) -> Any:
    async def main() -> Any:
        async with httpx.AsyncClient() as client:
            url = server.url_for("/").rstrip("/")
            return await call(PagerDuty(client, FakeClock(), "tok", api_url=url, events_url=url))

    return asyncio.run(main())


def test_pagerduty_endless_more_true_stops_after_max_pages(httpserver: HttpServer) -> None:
    answer(httpserver, "/oncalls", up.PD_ONCALLS_PAGE)  # the documented page, always more: true
    with pytest.raises(ApiFailure, match=f"still answers more: true after {MAX_PAGES} pages"):
        pagerduty(httpserver, lambda pd: pd.oncalls(["PI7DH85"]))
    assert len(httpserver.log) == MAX_PAGES


def test_pagerduty_200_that_is_not_json_is_a_failure(httpserver: HttpServer) -> None:
    answer(httpserver, "/oncalls", up.PD_HTML_200, "text/html")
    with pytest.raises(ApiFailure, match="/oncalls: HTTP 200 but not a JSON object: '<html>"):
        pagerduty(httpserver, lambda pd: pd.oncalls(["PI7DH85"]))


def test_events_api_400_keeps_its_errors(httpserver: HttpServer) -> None:
    answer(httpserver, "/v2/enqueue", up.PD_EVENTS_400)
    with pytest.raises(ApiFailure) as caught:
        pagerduty(httpserver, lambda pd: pd.trigger("short", "drill", "k"))
    assert caught.value.detail == (
        "HTTP 400: Event object is invalid: "
        "Length of 'routing_key' is incorrect (should be 32 characters)"
    )
