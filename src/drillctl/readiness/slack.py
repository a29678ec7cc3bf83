"""Slack Web API: does a channel exist (``conversations.info``), post a test message
(``chat.postMessage``) and see who acknowledged it (a human reply in its thread, or a reaction).

Auth is ``Authorization: Bearer xoxb-…``. Slack answers HTTP 200 even on failure: ``ok: false``
with an ``error`` code (``channel_not_found``, ``not_in_channel``, ``invalid_auth``,
``missing_scope``...) is a failure; HTTP 429 carries ``Retry-After`` in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from drillctl.core.clock import Clock
from drillctl.core.timeconv import from_unix_s
from drillctl.readiness.http import Ack, ApiFailure, json_body, reading, send

SERVICE = "Slack"


@dataclass(frozen=True)
class Slack:
    client: httpx.AsyncClient
    clock: Clock
    token: str
    api_url: str = "https://slack.com/api"

    async def _call(
        self, method: str, *, params: dict[str, str] | None = None, body: Any = None
    ) -> Any:
        url = f"{self.api_url.rstrip('/')}/{method}"
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is None:
            request = self.client.build_request("GET", url, params=params, headers=headers)
        else:
            headers["Content-Type"] = "application/json; charset=utf-8"
            request = self.client.build_request("POST", url, json=body, headers=headers)
        response = await send(self.client, SERVICE, self.clock, lambda: self.client.send(request))
        return _checked(method, response)

    async def acknowledgement(self, channel_id: str, ts: str, label: str) -> Ack | None:
        """The first human reply in the message's thread, else the first reaction, else None."""
        with reading(SERVICE, "conversations.replies/reactions.get"):
            return await self._acknowledgement(channel_id, ts, label)

    async def channel(self, channel_id: str) -> dict[str, Any]:
        data = await self._call("conversations.info", params={"channel": channel_id})
        channel = data.get("channel") or {}
        return channel if isinstance(channel, dict) else {}

    async def post(self, channel_id: str, text: str) -> str:
        """Post ``text``; returns the message ``ts`` (its id, for the thread and reactions)."""
        data = await self._call("chat.postMessage", body={"channel": channel_id, "text": text})
        return str(data.get("ts"))

    async def _acknowledgement(self, channel_id: str, ts: str, label: str) -> Ack | None:
        replies = await self._call(
            "conversations.replies", params={"channel": channel_id, "ts": ts}
        )
        humans = [
            m
            for m in replies.get("messages") or []
            if m.get("ts") != ts and m.get("user") and not m.get("bot_id")
        ]
        if humans:
            first = min(humans, key=lambda m: float(m["ts"]))
            return Ack(label, str(first["user"]), from_unix_s(float(first["ts"])), "reply")
        reactions = await self._call(
            "reactions.get", params={"channel": channel_id, "timestamp": ts}
        )
        for reaction in (reactions.get("message") or {}).get("reactions") or []:
            users = reaction.get("users") or []
            if users:
                return Ack(
                    label, str(users[0]), self.clock.now(), f"reaction :{reaction.get('name')}:"
                )
        return None


def _checked(method: str, response: httpx.Response) -> dict[str, Any]:
    data = json_body(response)
    data = data if isinstance(data, dict) else {}
    if response.status_code != 200:
        code = data.get("error") or data.get("text") or ""
        raise ApiFailure(SERVICE, f"{method}: HTTP {response.status_code} {code}".rstrip())
    if not data.get("ok"):
        raise ApiFailure(SERVICE, f"{method}: {data.get('error') or 'ok: false'}")
    return data
