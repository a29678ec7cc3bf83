"""Posting to a Slack incoming webhook, against a local fake (api-contracts §6)."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from drillctl.report.slack import post_to_webhook

PATH = "/services/T000/B000/XXXXSECRETXXXX"
PAYLOAD = {
    "text": "drill",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
}


@pytest.fixture
def client() -> httpx.Client:
    with httpx.Client(timeout=5) as c:
        yield c


def test_200_ok_is_success(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_oneshot_request(PATH, method="POST", json=PAYLOAD).respond_with_data("ok")
    result = post_to_webhook(httpserver.url_for(PATH), PAYLOAD, client)
    assert (result.ok, result.status, result.code, result.attempts) == (True, 200, "ok", 1)
    httpserver.check_assertions()


def test_500_rollup_error_is_reported_with_slacks_code(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("rollup_error", status=500)
    url = httpserver.url_for(PATH)
    result = post_to_webhook(url, PAYLOAD, client)
    assert (result.ok, result.status, result.code) == (False, 500, "rollup_error")
    assert "HTTP 500 rollup_error" in result.message
    assert url not in result.message and "SECRET" not in result.message


def test_404_no_service(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("no_service", status=404)
    result = post_to_webhook(httpserver.url_for(PATH), PAYLOAD, client)
    assert (result.ok, result.status, result.code) == (False, 404, "no_service")


def test_200_with_another_body_is_not_success(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("invalid_blocks", status=200)
    result = post_to_webhook(httpserver.url_for(PATH), PAYLOAD, client)
    assert not result.ok and result.code == "invalid_blocks"


def test_429_waits_retry_after_once_then_succeeds(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_data(
        "rate_limited", status=429, headers={"Retry-After": "3"}
    )
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_data("ok")
    slept: list[float] = []
    result = post_to_webhook(httpserver.url_for(PATH), PAYLOAD, client, sleep=slept.append)
    assert slept == [3.0]
    assert (result.ok, result.attempts) == (True, 2)


def test_429_twice_gives_up_after_one_retry(httpserver: HTTPServer, client: httpx.Client) -> None:
    calls: list[int] = []

    def limited(request: Request) -> Response:
        calls.append(1)
        return Response("rate_limited", status=429, headers={"Retry-After": "600"})

    httpserver.expect_request(PATH, method="POST").respond_with_handler(limited)
    slept: list[float] = []
    result = post_to_webhook(httpserver.url_for(PATH), PAYLOAD, client, sleep=slept.append)
    assert (result.ok, result.status, len(calls)) == (False, 429, 2)
    assert slept == [30.0]  # a huge Retry-After is capped


def test_unreachable_webhook_is_a_result_not_an_exception(client: httpx.Client) -> None:
    url = "http://127.0.0.1:9/services/T000/B000/XXXXSECRETXXXX"  # discard port: nothing listens
    result = post_to_webhook(url, PAYLOAD, client)
    assert not result.ok and result.status is None and result.code.startswith("connection_error")
    assert "SECRET" not in result.message
