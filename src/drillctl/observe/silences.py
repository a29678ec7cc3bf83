"""Alertmanager silences (API v2): create a silence, expire it (matchers: core/matchers.py).

Matchers are written as in Alertmanager and amtool: ``name="value"``, ``name!="value"``,
``name=~"regex"``, ``name!~"regex"`` (quotes optional when the value has no space or quote).
``POST /api/v2/silences`` answers ``{"silenceID": "..."}``; ``DELETE /api/v2/silence/{id}``
expires it (api/v2/openapi.yaml of prometheus/alertmanager).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx


class SilenceError(Exception):
    """Alertmanager refused or could not be reached; the message says why."""


async def create_silence(
    client: httpx.AsyncClient,
    url: str,
    matchers: list[dict[str, Any]],
    window: tuple[datetime, datetime],
    *,
    by: str,
    comment: str,
) -> str:
    """Create the silence; its id. Raises SilenceError."""
    body = {
        "matchers": matchers,
        "startsAt": window[0].isoformat(),
        "endsAt": window[1].isoformat(),
        "createdBy": by,
        "comment": comment,
    }
    answer = await _call(client, "POST", f"{url.rstrip('/')}/api/v2/silences", json=body)
    try:
        silence_id = answer.json()["silenceID"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SilenceError(f"the answer has no silenceID: {answer.text[:200]!r}") from exc
    if not isinstance(silence_id, str) or not silence_id:
        raise SilenceError(f"the answer has no silenceID: {answer.text[:200]!r}")
    return silence_id


async def expire_silence(client: httpx.AsyncClient, url: str, silence_id: str) -> None:
    """Expire the silence; one already expired or gone counts as done. Raises SilenceError."""
    try:
        await _call(client, "DELETE", f"{url.rstrip('/')}/api/v2/silence/{silence_id}")
    except SilenceError as exc:
        # Alertmanager answers 500 "already expired" to a second expiry, 404 when it is gone
        if "already expired" not in str(exc) and "HTTP 404" not in str(exc):
            raise


async def _call(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        answer = await client.request(method, url, timeout=10.0, **kwargs)
    except httpx.HTTPError as exc:
        raise SilenceError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
    if answer.status_code != 200:
        raise SilenceError(f"HTTP {answer.status_code}: {answer.text.strip()[:200]}")
    return answer
