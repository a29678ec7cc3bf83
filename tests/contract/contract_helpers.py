"""Run a client coroutine against a pytest-httpserver fake with a fresh shared httpx client."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pytest_httpserver import HTTPServer as HttpServer

from drillctl.observe.httpapi import HttpApi
from drillctl.scenario.model import EvidenceQuery, Signal

T = TypeVar("T")
T0 = datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
T1 = datetime(2024, 5, 1, 10, 15, 0, tzinfo=UTC)


def run(server: HttpServer, name: str, use: Callable[[HttpApi], Awaitable[T]], **kw: Any) -> T:
    async def main() -> T:
        async with httpx.AsyncClient() as client:
            return await use(
                HttpApi(name, server.url_for("/").rstrip("/"), client, timeout=2, **kw)
            )

    return asyncio.run(main())


def signal(source: str, query: str, **kw: Any) -> Signal:
    return Signal.model_validate(
        {"name": "s", "source": source, "query": query, "symptom": {"above": 1}, **kw}
    )


def evidence(source: str, **kw: Any) -> EvidenceQuery:
    return EvidenceQuery.model_validate({"name": "e", "source": source, **kw})


def args(server: HttpServer, path: str) -> list[dict[str, str]]:
    """The query arguments of every request the fake got on ``path``."""
    return [dict(req.args) for req, _ in server.log if req.path == path]
