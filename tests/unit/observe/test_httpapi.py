from __future__ import annotations

import asyncio

import httpx
import pytest

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import QueryError
from drillctl.observe.httpapi import HttpApi, error_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ('{"status":"error","errorType":"bad_data","error":"parse error"}', "parse error"),
        ('{"error":{"httpCode":404,"message":"No traces found"}}', "No traces found"),
        (
            '{"data":null,"errors":[{"code":400,"msg":"parameter \'service\' is required"}]}',
            "parameter 'service' is required",
        ),
        ('{"message":"Dashboard not found"}', "Dashboard not found"),
        ('"bad matcher"', "bad matcher"),
        ("parse error at line 1\n", "parse error at line 1"),
        ("", "Bad Request"),
    ],
)
def test_error_text_reads_every_servers_shape(body: str, text: str) -> None:
    assert error_text(httpx.Response(400, text=body)) == text


def call(status: int, body: str = "", exc: Exception | None = None) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        if exc:
            raise exc
        return httpx.Response(status, text=body)

    async def main() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await HttpApi("loki", "http://loki", client).json(
                "GET", "/x", subject="signal s"
            )

    return asyncio.run(main())


def test_4xx_is_a_query_error_5xx_and_transport_errors_are_unavailable() -> None:
    with pytest.raises(QueryError, match="signal s: HTTP 400: bad query"):
        call(400, "bad query")
    with pytest.raises(SourceUnavailable, match="HTTP 502") as caught:
        call(502, "bad gateway")
    assert not isinstance(caught.value, QueryError)
    with pytest.raises(SourceUnavailable, match="no answer within 5s"):
        call(0, exc=httpx.ReadTimeout("slow"))
    with pytest.raises(SourceUnavailable, match="ConnectError"):
        call(0, exc=httpx.ConnectError("refused"))
    with pytest.raises(SourceUnavailable, match="not JSON"):
        call(200, "<html>")
    assert call(200, '{"a": 1}') == {"a": 1}
