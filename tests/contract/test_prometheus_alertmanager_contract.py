"""Pitfalls of Prometheus and Alertmanager that the live lab cannot show on demand (§1, §2, §8)."""

from __future__ import annotations

import pytest
from contract_helpers import T1, run, signal
from pytest_httpserver import HTTPServer as HttpServer

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.alertmanager import AlertmanagerSource
from drillctl.observe.base import QueryError
from drillctl.observe.prometheus import PrometheusSource


def test_pre_ready_503_plain_text_is_unavailable_not_a_json_crash(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/v1/query").respond_with_data(
        "Service Unavailable", status=503, content_type="text/plain"
    )
    with pytest.raises(SourceUnavailable, match="not ready: Service Unavailable"):
        run(
            httpserver,
            "prometheus",
            lambda api: PrometheusSource(api).read(signal("prometheus", "up"), T1),
        )


def test_bad_promql_names_the_signal_and_quotes_prometheus(httpserver: HttpServer) -> None:
    body = {
        "status": "error",
        "errorType": "bad_data",
        "error": '1:5: parse error: unexpected "(" in aggregation',
    }
    httpserver.expect_request("/api/v1/query").respond_with_json(body, status=400)
    problems = run(
        httpserver,
        "prometheus",
        lambda api: PrometheusSource(api).validate_queries([signal("prometheus", "sum((")]),
    )
    assert problems == [
        "signal s: Prometheus refused 'sum((': "
        'bad_data: 1:5: parse error: unexpected "(" in aggregation'
    ]


def test_sample_values_are_strings_and_nan_is_no_data(httpserver: HttpServer) -> None:
    body = {
        "status": "success",
        "infos": ["newer"],
        "data": {
            "resultType": "vector",
            "result": [
                {"metric": {"queue": "a"}, "value": [1714558500.0, "2.5"]},
                {"metric": {"queue": "b"}, "value": [1714558500.0, "NaN"]},
            ],
        },
    }
    httpserver.expect_request("/api/v1/query").respond_with_json(body)
    assert (
        run(
            httpserver,
            "prometheus",
            lambda api: PrometheusSource(api).read(signal("prometheus", "x"), T1),
        )
        == 2.5
    )


def test_empty_result_is_none_not_zero(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/v1/query").respond_with_json(
        {"status": "success", "data": {"resultType": "vector", "result": []}}
    )
    assert (
        run(
            httpserver,
            "prometheus",
            lambda api: PrometheusSource(api).read(signal("prometheus", "x"), T1),
        )
        is None
    )


def test_alertmanager_go_zero_end_silenced_and_inhibited_alerts(httpserver: HttpServer) -> None:
    alerts = [
        {
            "labels": {"alertname": "EbitApiDown"},
            "annotations": {},
            "startsAt": "2024-05-01T10:00:00.123456789Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "updatedAt": "2024-05-01T10:01:00Z",
            "fingerprint": "a1",
            "receivers": [{"name": "drill"}],
            "status": {"state": "active", "silencedBy": [], "inhibitedBy": [], "mutedBy": []},
        },
        {
            "labels": {"alertname": "Silenced"},
            "startsAt": "2024-05-01T10:00:00Z",
            "endsAt": "2024-05-01T10:05:00Z",
            "status": {"state": "suppressed", "silencedBy": ["s1"], "inhibitedBy": []},
        },
        {
            "labels": {"alertname": "Inhibited"},
            "startsAt": "2024-05-01T10:00:00Z",
            "endsAt": "2024-05-01T10:05:00Z",
            "status": {"state": "suppressed", "silencedBy": [], "inhibitedBy": ["f0"]},
        },
    ]
    # silenced alerts are asked for: a drill run under a silence still records what fired
    query = {"active": "true", "silenced": "true", "inhibited": "false"}
    httpserver.expect_request("/api/v2/alerts", query_string=query).respond_with_json(alerts)
    found = run(httpserver, "alertmanager", lambda api: AlertmanagerSource(api).active_alerts())
    assert [(a.name, a.state) for a in found] == [("EbitApiDown", "firing"), ("Silenced", "firing")]
    assert found[0].active_at is not None and found[0].active_at.microsecond == 123456


def test_alertmanager_400_body_is_a_json_string(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/v2/alerts").respond_with_data(
        '"bad matcher format: alertname"', status=400, content_type="application/json"
    )
    with pytest.raises(QueryError, match="bad matcher format"):
        run(httpserver, "alertmanager", lambda api: AlertmanagerSource(api).active_alerts())
