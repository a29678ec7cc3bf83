"""PagerDuty: who is on call now (REST API v2 ``/oncalls``), and a test event that a human
acknowledges (Events API v2 trigger, then ``/incidents?incident_key=`` until acknowledged).

REST auth is ``Authorization: Token token=<key>`` (not Bearer). ``/oncalls`` paginates on
``more``; entries whose ``schedule`` is null are users targeted directly by a policy, not a
schedule's rotation. Errors are ``{"error": {"code", "message", "errors"}}`` with 400/401/403/429;
the Events API's are ``{"status", "message", "errors": [...]}`` (every error kept in the message).
A 200 that is not JSON, an answer off its shape, or ``more: true`` past ``MAX_PAGES`` pages is an
``ApiFailure`` naming it, never a crash or an endless loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from drillctl.core.clock import Clock
from drillctl.core.timeconv import parse_rfc3339
from drillctl.readiness.http import Ack, ApiFailure, json_body, json_object, reading, send

SERVICE = "PagerDuty"
PAGE_SIZE = 100
MAX_PAGES = 20  # 2,000 on-call entries for a handful of schedules: past that the server is wrong


@dataclass(frozen=True)
class OnCall:
    schedule_id: str
    user: str
    level: int


@dataclass(frozen=True)
class PagerDuty:
    client: httpx.AsyncClient
    clock: Clock
    token: str | None
    api_url: str = "https://api.pagerduty.com"
    events_url: str = "https://events.pagerduty.com"

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Token token={self.token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
            "Content-Type": "application/json",
        }

    async def _get(self, path: str, params: list[tuple[str, str]]) -> Any:
        url = f"{self.api_url.rstrip('/')}{path}"
        response = await send(
            self.client,
            SERVICE,
            self.clock,
            lambda: self.client.get(url, params=tuple(params), headers=self._headers()),
        )
        if response.status_code != 200:
            raise ApiFailure(SERVICE, _error(response))
        return json_object(SERVICE, path, response)

    async def oncalls(self, schedule_ids: list[str]) -> list[OnCall]:
        """Everyone on call right now on these schedules, following ``more`` page by page."""
        ids = [("schedule_ids[]", s) for s in dict.fromkeys(schedule_ids)]
        found: list[OnCall] = []
        offset = 0
        for _ in range(MAX_PAGES):
            page = await self._get(
                "/oncalls", [*ids, ("limit", str(PAGE_SIZE)), ("offset", str(offset))]
            )
            with reading(SERVICE, "/oncalls"):
                entries = page.get("oncalls") or []
                found += [oncall for entry in entries if (oncall := _oncall(entry))]
            if not page.get("more") or not entries:
                return found
            offset += len(entries)
        raise ApiFailure(
            SERVICE, f"/oncalls still answers more: true after {MAX_PAGES} pages: stopped paging"
        )

    async def trigger(self, routing_key: str, summary: str, dedup_key: str) -> str:
        body = {
            "routing_key": routing_key,
            "event_action": "trigger",
            "dedup_key": dedup_key,
            "payload": {
                "summary": summary,
                "source": "drillctl escalation check",
                "severity": "info",
            },
        }
        data = await self._event(body)
        return str((data.get("dedup_key") if isinstance(data, dict) else None) or dedup_key)

    async def resolve(self, routing_key: str, dedup_key: str) -> None:
        await self._event(
            {"routing_key": routing_key, "event_action": "resolve", "dedup_key": dedup_key}
        )

    async def _event(self, body: dict[str, Any]) -> Any:
        url = f"{self.events_url.rstrip('/')}/v2/enqueue"
        response = await send(
            self.client, SERVICE, self.clock, lambda: self.client.post(url, json=body)
        )
        if response.status_code != 202:
            raise ApiFailure(SERVICE, _error(response))
        return json_body(response)

    async def acknowledgement(self, dedup_key: str) -> Ack | None:
        """The first acknowledgement of the incident the test event opened, if any yet."""
        page = await self._get("/incidents", [("incident_key", dedup_key)])
        with reading(SERVICE, "/incidents"):
            return _first_ack(page)


def _first_ack(page: dict[str, Any]) -> Ack | None:
    for incident in page.get("incidents") or []:
        for ack in incident.get("acknowledgements") or []:
            at = parse_rfc3339(str(ack.get("at", "")))
            who = (ack.get("acknowledger") or {}).get("summary") or "someone"
            if at is not None:
                return Ack(SERVICE, str(who), at, "acknowledged")
    return None


def _oncall(entry: dict[str, Any]) -> OnCall | None:
    schedule = entry.get("schedule")
    if not schedule:  # null: a user targeted directly by the escalation policy, not a schedule
        return None
    user = (entry.get("user") or {}).get("summary") or (entry.get("user") or {}).get("id", "?")
    return OnCall(str(schedule.get("id")), user, int(entry.get("escalation_level") or 0))


def _error(response: httpx.Response) -> str:
    data = json_body(response)
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        details = "; ".join(str(e) for e in error.get("errors") or [])
        message = f"{error.get('message', '')} (code {error.get('code')})"
        return f"HTTP {response.status_code}: {message}" + (f": {details}" if details else "")
    if not isinstance(data, dict):
        return f"HTTP {response.status_code}"
    text = data.get("message") or data.get("text") or ""
    errors = data.get("errors")  # the Events API: {"status", "message", "errors": [...]}
    if isinstance(errors, list) and errors:
        text = (
            f"{text}: {'; '.join(str(e) for e in errors)}" if text else "; ".join(map(str, errors))
        )
    return f"HTTP {response.status_code}" + (f": {text}" if text else "")
