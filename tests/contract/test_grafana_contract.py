"""Grafana client against a fake answering as api-contracts.md §5 documents."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from contract_helpers import T0, T1, run
from pytest_httpserver import HTTPServer as HttpServer

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import QueryError
from drillctl.observe.grafana import GrafanaSource

SEARCH = [
    {
        "id": 1,
        "uid": "perf123",
        "orgId": 1,
        "title": "ebit-perf-test",
        "url": "/grafana/d/perf123/ebit-perf-test",
        "type": "dash-db",
        "tags": [],
        "isStarred": False,
    },
    {
        "id": 2,
        "uid": "perf999",
        "orgId": 1,
        "title": "ebit-perf-test (old copy)",
        "url": "/grafana/d/perf999/old",
        "type": "dash-db",
        "tags": [],
        "isStarred": False,
        "folderUid": "f",
        "folderTitle": "Archive",
    },
]


def grafana(api, token: str | None = None) -> GrafanaSource:
    return GrafanaSource(api, public_url="https://grafana.example.com/", token=token)


def test_search_is_fuzzy_so_the_exact_title_is_picked(httpserver: HttpServer) -> None:
    httpserver.expect_request(
        "/api/search", query_string={"query": "ebit-perf-test", "type": "dash-db"}
    ).respond_with_json(SEARCH)
    found = run(httpserver, "grafana", lambda api: grafana(api).find_dashboard("ebit-perf-test"))
    assert found is not None and found.uid == "perf123"


def test_no_exact_title_is_none(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/search").respond_with_json(SEARCH[1:])
    assert (
        run(httpserver, "grafana", lambda api: grafana(api).find_dashboard("ebit-perf-test"))
        is None
    )


def test_deep_link_prefixes_the_public_url_to_the_path_and_pads_in_milliseconds(
    httpserver: HttpServer,
) -> None:
    httpserver.expect_request("/api/search").respond_with_json(SEARCH)

    async def use(api):
        source = grafana(api)
        return source.deep_link(
            await source.find_dashboard("ebit-perf-test"), T0, T1, {"service": ["ebit-api", "a b"]}
        )

    link = run(httpserver, "grafana", use)
    parts = urlsplit(link)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == "https://grafana.example.com/grafana/d/perf123/ebit-perf-test"
    )
    query = parse_qs(parts.query)
    assert query["from"] == ["1714557300123"]  # T0 - 5 min, ms (13 digits)
    assert query["to"] == ["1714558800000"]  # T1 + 5 min
    assert query["var-service"] == ["ebit-api", "a b"] and query["orgId"] == ["1"]


def test_missing_dashboards_are_named_in_the_evidence(httpserver: HttpServer) -> None:
    httpserver.expect_request(
        "/api/search", query_string={"query": "ebit-perf-test", "type": "dash-db"}
    ).respond_with_json(SEARCH)
    httpserver.expect_request(
        "/api/search", query_string={"query": "perf-system", "type": "dash-db"}
    ).respond_with_json([])
    found = run(
        httpserver,
        "grafana",
        lambda api: grafana(api).dashboard_evidence(["ebit-perf-test", "perf-system"], T0, T1),
    )
    assert found.kind == "dashboard"
    assert found.summary == "1 dashboards linked for the drill window; not found: perf-system"
    assert found.items[1] == {"title": "perf-system", "url": None}


def test_annotation_times_are_milliseconds_and_the_uid_is_verified_first(
    httpserver: HttpServer,
) -> None:
    httpserver.expect_request("/api/search").respond_with_json(SEARCH)
    httpserver.expect_request("/api/dashboards/uid/perf123").respond_with_json(
        {"dashboard": {"uid": "perf123", "title": "ebit-perf-test", "panels": []}, "meta": {}}
    )
    httpserver.expect_request(
        "/api/annotations", method="POST", headers={"Authorization": "Bearer glsa_x"}
    ).respond_with_json({"message": "Annotation added", "id": 123})
    annotation_id = run(
        httpserver,
        "grafana",
        lambda api: grafana(api, "glsa_x").annotate(
            "drill inject", T0, end=T1, tags=["chaos-drill"], dashboard_title="ebit-perf-test"
        ),
    )
    assert annotation_id == 123
    [post] = [req for req, _ in httpserver.log if req.method == "POST"]
    assert post.get_json() == {
        "time": 1714557600123,
        "timeEnd": 1714558500000,
        "text": "drill inject",
        "tags": ["chaos-drill"],
        "dashboardUID": "perf123",
    }


def test_unknown_dashboard_uid_is_never_posted_because_grafana_would_accept_it(
    httpserver: HttpServer,
) -> None:
    httpserver.expect_request("/api/search").respond_with_json(SEARCH)
    httpserver.expect_request("/api/dashboards/uid/perf123").respond_with_json(
        {"message": "Dashboard not found"}, status=404
    )
    httpserver.expect_request("/api/annotations", method="POST").respond_with_json(
        {"message": "Annotation added", "id": 1}
    )
    with pytest.raises(QueryError, match="no dashboard titled 'ebit-perf-test'"):
        run(
            httpserver,
            "grafana",
            lambda api: grafana(api, "glsa_x").annotate("x", T0, dashboard_title="ebit-perf-test"),
        )
    assert [req for req, _ in httpserver.log if req.method == "POST"] == []


def test_without_a_token_annotate_is_a_no_op(httpserver: HttpServer) -> None:
    assert run(httpserver, "grafana", lambda api: grafana(api).annotate("x", T0)) is None
    assert httpserver.log == []


def test_empty_text_400_is_a_query_error_with_grafanas_message(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/annotations", method="POST").respond_with_json(
        {"message": "Failed to save annotation"}, status=400
    )
    with pytest.raises(QueryError, match="Failed to save annotation"):
        run(httpserver, "grafana", lambda api: grafana(api, "glsa_x").annotate("", T0))


def test_bad_token_401_is_unavailable_with_the_message(httpserver: HttpServer) -> None:
    body = {"message": "Invalid API key", "messageId": "api-key.invalid", "statusCode": 401}
    httpserver.expect_request("/api/search").respond_with_json(body, status=401)
    with pytest.raises(SourceUnavailable, match="Invalid API key"):
        run(httpserver, "grafana", lambda api: grafana(api, "bad").find_dashboard("perf-system"))


def test_health_without_version_and_with_a_failing_database(httpserver: HttpServer) -> None:
    httpserver.expect_request("/api/health").respond_with_json({"database": "ok"})
    assert run(httpserver, "grafana", lambda api: grafana(api).check()) == {
        "version": "?",
        "database": "ok",
    }
    httpserver.clear()
    httpserver.expect_request("/api/health").respond_with_json({"database": "failing"}, status=503)
    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        run(httpserver, "grafana", lambda api: grafana(api).check())
