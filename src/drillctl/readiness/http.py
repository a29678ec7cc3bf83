"""What the PagerDuty and Slack clients share: one error type, 429 handling, acknowledgements.

Each client takes an injected ``httpx.AsyncClient`` (tests pass one bound to a local fake server)
and the run's clock, so a ``Retry-After`` wait or an acknowledgement poll never sleeps in a test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from drillctl.core.clock import Clock
from drillctl.core.errors import SHAPE_ERRORS

MAX_RETRY_AFTER_S = 30.0


class ApiFailure(Exception):
    """A service refused or did not answer; the escalation check turns it into a blocker."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.detail = detail


@contextmanager
def reading(service: str, what: str) -> Iterator[None]:
    """An answer off its documented shape is the service's failure, named, not a crash."""
    try:
        yield
    except SHAPE_ERRORS as exc:
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        raise ApiFailure(service, f"{what}: unexpected answer ({reason})") from exc


def json_object(service: str, what: str, response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a success answer; a 200 with HTML or a list is the service's failure."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        shown = " ".join(response.text.split())[:80]
        raise ApiFailure(
            service, f"{what}: HTTP {response.status_code} but not a JSON object: {shown!r}"
        )
    return body


@dataclass(frozen=True)
class Ack:
    """Who acknowledged a test message or incident, and when."""

    channel: str  # "#ebit-incidents (C0123ABCD)" or "PagerDuty"
    who: str
    at: datetime
    how: str  # reply | reaction | acknowledged


async def send(
    client: httpx.AsyncClient,
    service: str,
    clock: Clock,
    build: Callable[[], Awaitable[httpx.Response]],
    retries: int = 3,
) -> httpx.Response:
    """Call ``build`` (one request); on 429 wait ``Retry-After`` and retry, a few times at most."""
    for attempt in range(retries + 1):
        try:
            response = await build()
        except httpx.TimeoutException as exc:
            raise ApiFailure(service, "did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise ApiFailure(service, f"unreachable: {exc}") from exc
        if response.status_code != 429 or attempt == retries:
            return response
        await clock.sleep(retry_after(response))
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns


def retry_after(response: httpx.Response) -> float:
    try:
        seconds = float(response.headers.get("Retry-After", "1"))
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def json_body(response: httpx.Response) -> Any:
    """Error bodies are not always JSON (plain-text codes, proxies): read text, parse if we can."""
    try:
        return response.json()
    except ValueError:
        return {"text": response.text.strip()}


async def wait_for(
    probe: Callable[[], Awaitable[Ack | None]], clock: Clock, timeout: float, interval: float
) -> Ack | None:
    """Poll ``probe`` until it returns an acknowledgement or ``timeout`` seconds have passed."""
    deadline = clock.monotonic() + timeout
    while True:
        ack = await probe()
        if ack is not None or clock.monotonic() >= deadline:
            return ack
        await clock.sleep(min(interval, max(deadline - clock.monotonic(), 0.0)))
