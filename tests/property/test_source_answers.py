"""Every source's answer parser, fed documented answers and corruptions of them: it returns data
(a number, None for "no data", evidence, alerts) or raises SourceUnavailable. Nothing else."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from answers import (
    AM_ALERTS,
    GRAFANA_SEARCH,
    LOKI_ANSWER,
    PROM_ALERTS,
    PROM_ANSWER,
    STATUS,
    V1_ANSWER,
    V3_CHUNK,
    api,
    serve,
    serve_with,
)
from hypothesis import given
from hypothesis import strategies as st
from strategies import bodies

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.alertmanager import AlertmanagerSource
from drillctl.observe.base import Evidence
from drillctl.observe.grafana import GrafanaSource
from drillctl.observe.jaeger import JaegerSource
from drillctl.observe.loki import LokiSource
from drillctl.observe.prometheus import PrometheusSource
from drillctl.scenario.model import EvidenceQuery, Signal

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
T1 = datetime(2024, 5, 1, 10, 15, tzinfo=UTC)


def signal(source: str, query: str, **kw: Any) -> Signal:
    return Signal.model_validate(
        {"name": "s", "source": source, "query": query, "symptom": {"above": 1}, **kw}
    )


def evidence(source: str, **kw: Any) -> EvidenceQuery:
    return EvidenceQuery.model_validate({"name": "e", "source": source, **kw})


def outcome(status: int, body: str, call: Any) -> Any:
    """The call's result, or the SourceUnavailable it raised (any other exception fails)."""
    try:
        return serve(status, body, call)
    except SourceUnavailable as exc:
        assert str(exc).strip(), "an unavailable source says why"
        return exc


def a_reading(value: Any) -> bool:
    return isinstance(value, SourceUnavailable) or value is None or isinstance(value, float)


@given(STATUS, bodies(PROM_ANSWER))
def test_prometheus_read(status: int, body: str) -> None:
    read = outcome(
        status,
        body,
        lambda c: PrometheusSource(api("prometheus", c)).read(signal("prometheus", "up"), T0),
    )
    assert a_reading(read)


@given(STATUS, bodies(PROM_ANSWER))
def test_prometheus_range_evidence(status: int, body: str) -> None:
    query = evidence("prometheus", query="up")
    got = outcome(
        status, body, lambda c: PrometheusSource(api("prometheus", c)).evidence(query, T0, T1)
    )
    assert isinstance(got, Evidence | SourceUnavailable)


@given(STATUS, bodies(PROM_ALERTS))
def test_prometheus_alerts(status: int, body: str) -> None:
    got = outcome(status, body, lambda c: PrometheusSource(api("prometheus", c)).active_alerts())
    assert isinstance(got, list | SourceUnavailable)


@given(STATUS, bodies(LOKI_ANSWER))
def test_loki_read(status: int, body: str) -> None:
    query = 'sum(count_over_time({service="api"}[30s]))'
    read = outcome(
        status, body, lambda c: LokiSource(api("loki", c)).read(signal("loki", query), T0)
    )
    assert a_reading(read)


@given(STATUS, bodies(LOKI_ANSWER))
def test_loki_lines(status: int, body: str) -> None:
    query = evidence("loki", query='{service="api"}')
    got = outcome(status, body, lambda c: LokiSource(api("loki", c)).evidence(query, T0, T1))
    assert isinstance(got, Evidence | SourceUnavailable)


@given(STATUS, st.lists(bodies(V3_CHUNK), min_size=1, max_size=3))
def test_jaeger_v3_stream(status: int, chunks: list[str]) -> None:
    body = "\n".join(chunks)
    got = outcome(
        status, body, lambda c: JaegerSource(api("jaeger", c)).read(signal("jaeger", "api"), T0)
    )
    assert a_reading(got)


@given(bodies(V1_ANSWER))
def test_jaeger_v1(body: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:  # no api_v3: the v1 fallback answers
        if request.url.path.startswith("/api/v3"):
            return httpx.Response(404, text="404 page not found")
        return httpx.Response(200, text=body)

    query = evidence("jaeger", service="api")
    try:
        got = serve_with(answer, lambda c: JaegerSource(api("jaeger", c)).evidence(query, T0, T1))
    except SourceUnavailable as exc:
        got = exc
    assert isinstance(got, Evidence | SourceUnavailable)


@given(STATUS, bodies(GRAFANA_SEARCH))
def test_grafana_search(status: int, body: str) -> None:
    got = outcome(
        status,
        body,
        lambda c: GrafanaSource(api("grafana", c)).dashboard_evidence(["perf-system"], T0, T1),
    )
    assert isinstance(got, Evidence | SourceUnavailable)


@given(STATUS, bodies(AM_ALERTS))
def test_alertmanager_alerts(status: int, body: str) -> None:
    got = outcome(
        status,
        body,
        lambda c: AlertmanagerSource(api("alertmanager", c)).read(
            signal("alertmanager", "EbitApiDown"), T0
        ),
    )
    assert a_reading(got)


@pytest.mark.parametrize(
    "body", ["", "null", "[]", "{}", '{"status":"success","data":null}', "<html>"]
)
def test_the_smallest_answers_are_unavailable_not_crashes(body: str) -> None:
    for source, call in [
        (
            "prometheus",
            lambda c: PrometheusSource(api("prometheus", c)).read(signal("prometheus", "up"), T0),
        ),
        ("loki", lambda c: LokiSource(api("loki", c)).read(signal("loki", "x"), T0)),
        ("alertmanager", lambda c: AlertmanagerSource(api("alertmanager", c)).active_alerts()),
        ("grafana", lambda c: GrafanaSource(api("grafana", c)).find_dashboard("x")),
    ]:
        got = outcome(200, body, call)
        assert isinstance(got, SourceUnavailable) or got in ([], None), (source, body, got)
