"""Posting a Slack payload to an incoming webhook (api-contracts §6), without losing anything.

Success is HTTP 200 with the plain-text body ``ok``, nothing else. Any other answer becomes a
``WebhookResult`` carrying Slack's short code (``rollup_error``, ``no_service``...)
and the status; a 429 is retried once after its ``Retry-After`` (capped). No exception escapes:
the caller has already written the report files and only has to print ``result.message``.
The webhook URL is the secret: it is never part of a message (errors are redacted with it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from drillctl.core.redact import Redactor

MAX_RETRY_AFTER_S = 30.0


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    status: int | None  # HTTP status of the last answer; None when no answer came
    code: str  # Slack's body ("ok", "rollup_error", ...) or "connection_error"
    attempts: int

    @property
    def message(self) -> str:
        if self.ok:
            return "posted to Slack"
        status = f"HTTP {self.status} " if self.status is not None else ""
        return (
            f"Slack webhook refused the message: {status}{self.code} (the report files are on disk)"
        )


def post_to_webhook(
    url: str,
    payload: dict[str, Any],
    client: httpx.Client,
    *,
    sleep: Callable[[float], None] = time.sleep,
    redactor: Redactor | None = None,
) -> WebhookResult:
    """POST ``payload``; honour one 429 ``Retry-After``; never raise, never reveal ``url``."""
    redactor = redactor or Redactor()
    redactor.add(url)
    result, retry_after = _post_once(url, payload, client, redactor, attempt=1)
    if result.status == 429:
        sleep(retry_after)
        result, _ = _post_once(url, payload, client, redactor, attempt=2)
    return result


def _post_once(
    url: str, payload: dict[str, Any], client: httpx.Client, redactor: Redactor, *, attempt: int
) -> tuple[WebhookResult, float]:
    try:
        response = client.post(url, json=payload)
    except httpx.HTTPError as exc:
        code = f"connection_error: {redactor.redact(str(exc)) or type(exc).__name__}"
        return WebhookResult(ok=False, status=None, code=code, attempts=attempt), 0.0
    body = redactor.redact(response.text.strip())[:200]
    ok = response.status_code == 200 and body == "ok"
    code = body or (
        "empty body" if response.status_code == 200 else response.reason_phrase or "no body"
    )
    return WebhookResult(
        ok=ok, status=response.status_code, code=code, attempts=attempt
    ), _retry_after(response)


def _retry_after(response: httpx.Response) -> float:
    """Seconds to wait from ``Retry-After`` (seconds), capped; 1 s when absent or unreadable."""
    try:
        value = float(response.headers.get("Retry-After", "1"))
    except ValueError:
        value = 1.0
    return min(max(value, 0.0), MAX_RETRY_AFTER_S)
