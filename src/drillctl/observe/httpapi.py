"""The one place HTTP sources talk to a server: the shared ``httpx.AsyncClient`` and error texts.

Every observability API has its own error body (api-contracts.md §8.6): Prometheus JSON envelopes
(or plain text ``Service Unavailable`` before it is ready), Loki plain text, Jaeger v1 JSON served
as text/plain, Jaeger v3 ``{"error":{"message"}}``, Grafana ``{"message"}``, Alertmanager a JSON
string. So the body is read as text first and JSON is parsed opportunistically.

Transport errors and timeouts become ``SourceUnavailable`` (retried by the observer); 4xx answers
become ``QueryError`` with the server's own text; 5xx become ``SourceUnavailable`` with it.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import httpx

from drillctl.core.errors import SHAPE_ERRORS, SourceUnavailable
from drillctl.observe.base import QueryError

MAX_REASON = 300
T = TypeVar("T")


def guarded(cls: type[T]) -> type[T]:
    """Every public coroutine of a source turns a surprise in an answer's shape into
    ``SourceUnavailable`` naming it: a source only ever returns data or "unavailable: why"."""
    for name, method in list(vars(cls).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(method):
            setattr(cls, name, _guard(method))
    return cls


def _guard(method: Any) -> Any:
    @functools.wraps(method)
    async def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except SourceUnavailable:
            raise
        except SHAPE_ERRORS as exc:
            reason = f"unexpected answer ({type(exc).__name__}: {str(exc)[:MAX_REASON]})"
            raise SourceUnavailable(self.name, reason) from exc

    return checked


def json_stream(text: str) -> Iterator[Any]:
    """The JSON values of a body that holds one or several (NDJSON, or chunks back to back:
    a grpc-gateway server stream such as Jaeger's api_v3). Raises ValueError on anything else."""
    decoder = json.JSONDecoder()
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        value, index = decoder.raw_decode(text, index)
        yield value


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

    async def json_object(
        self, method: str, path: str, *, subject: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Like ``json``, for APIs whose answer is a JSON object (anything else: unavailable)."""
        body = await self.json(method, path, subject=subject, **kwargs)
        if not isinstance(body, dict):
            raise SourceUnavailable(self.source, f"{path}: {not_a('an object', body)}")
        return body


def not_a(expected: str, body: Any) -> str:
    """``answered a list, not an object``: the reason for a body of the wrong JSON type."""
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    kind = kinds.get(type(body), "null" if body is None else "a number")
    return f"answered {kind}, not {expected}"


def raise_for_status(source: str, response: httpx.Response, subject: str | None = None) -> None:
    if response.is_success:
        return
    reason = f"HTTP {response.status_code}: {error_text(response)}"
    if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404, 408, 429):
        raise QueryError(source, reason, subject)
    raise SourceUnavailable(source, f"{subject}: {reason}" if subject else reason)
