"""The one place HTTP sources talk to a server: the shared ``httpx.AsyncClient`` and error texts.

Every observability API has its own error body (api-contracts.md §8.6): Prometheus JSON envelopes
(or plain text ``Service Unavailable`` before it is ready), Loki plain text, Jaeger v1 JSON served
as text/plain, Jaeger v3 ``{"error":{"message"}}``, Grafana ``{"message"}``, Alertmanager a JSON
string. So the body is read as text first and JSON is parsed opportunistically.

Transport errors and timeouts become ``SourceUnavailable`` (retried by the observer); 4xx answers
become ``QueryError`` with the server's own text; 5xx become ``SourceUnavailable`` with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from drillctl.core.errors import SourceUnavailable
from drillctl.observe.base import QueryError

MAX_REASON = 300


def parse_json(text: str) -> Any:
    """The body as JSON, or None when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def error_text(response: httpx.Response) -> str:
    """The server's own error message, whatever shape it came in."""
    body = parse_json(response.text)
    message = _message_of(body) if body is not None else None
    text = message or response.text.strip() or response.reason_phrase
    return " ".join(text.split())[:MAX_REASON]


def _message_of(body: Any) -> str | None:
    if isinstance(body, str):
        return body
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, str):
        return error
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("msg", ""))
    message = body.get("message")
    return message if isinstance(message, str) else None


class HttpApi:
    """One server: base URL, default headers, timeout, on the shared client."""

    def __init__(
        self,
        source: str,
        base_url: str,
        client: httpx.AsyncClient,
        *,
        timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.timeout = timeout
        self.headers = dict(headers or {})

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """The raw answer, whatever its status; transport failures raise SourceUnavailable."""
        try:
            return await self.client.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                data=data,
                headers=self.headers,
                timeout=self.timeout,
            )
        except httpx.TimeoutException as exc:
            raise SourceUnavailable(self.source, f"no answer within {self.timeout:g}s") from exc
        except httpx.HTTPError as exc:
            raise SourceUnavailable(self.source, f"{type(exc).__name__}: {exc}") from exc

    async def json(
        self, method: str, path: str, *, subject: str | None = None, **kwargs: Any
    ) -> Any:
        """The JSON body of a 2xx answer; 4xx → QueryError, 5xx or non-JSON → SourceUnavailable."""
        response = await self.send(method, path, **kwargs)
        raise_for_status(self.source, response, subject)
        body = parse_json(response.text)
        if body is None:
            raise SourceUnavailable(self.source, f"{path}: not JSON: {response.text[:80]!r}")
        return body


def raise_for_status(source: str, response: httpx.Response, subject: str | None = None) -> None:
    if response.is_success:
        return
    reason = f"HTTP {response.status_code}: {error_text(response)}"
    if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404, 408, 429):
        raise QueryError(source, reason, subject)
    raise SourceUnavailable(source, f"{subject}: {reason}" if subject else reason)
