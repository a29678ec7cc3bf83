"""Alertmanager API v2: active alerts with their start times (api-contracts.md §2).

Only ``/api/v2`` is used: v1 answers 410 Gone from 0.27 on. The alerts list is a bare JSON array;
errors are a JSON-encoded string. A firing alert's ``endsAt`` may be the Go zero time, read as
"no end". Silenced alerts are asked for too (``silenced=true``): a drill run under a silence must
still record what fired — the silence only stops the notification. A signal with source
``alertmanager`` names an alert: its value is 1 while an alert of that name is active (silenced
or not; inhibited alerts stay out), else 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drillctl.core.errors import SourceUnavailable
from drillctl.core.timeconv import parse_rfc3339
from drillctl.observe.base import ActiveAlert, Evidence, QueryError
from drillctl.observe.httpapi import HttpApi, guarded
from drillctl.scenario.model import EvidenceQuery, Signal


@guarded
class AlertmanagerSource:
    name = "alertmanager"

    def __init__(self, api: HttpApi) -> None:
        self.api = api

    async def check(self) -> dict[str, Any]:
        status = await self.api.json("GET", "/api/v2/status")
        if not isinstance(status, dict):
            raise SourceUnavailable(self.name, "/api/v2/status: unexpected answer")
        version = (status.get("versionInfo") or {}).get("version", "?")
        cluster = (status.get("cluster") or {}).get("status", "?")
        return {"version": version, "cluster": cluster}

    async def active_alerts(self) -> list[ActiveAlert]:
        params = {"active": "true", "silenced": "true", "inhibited": "false"}
        body = await self.api.json("GET", "/api/v2/alerts", params=params)
        if not isinstance(body, list):
            raise SourceUnavailable(self.name, "/api/v2/alerts: expected a JSON array")
        return [_alert(item) for item in body if _is_active(item)]

    async def read(self, signal: Signal, at: datetime) -> float | None:
        del at
        alerts = await self.active_alerts()
        return 1.0 if any(a.name == signal.query for a in alerts) else 0.0

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        raise QueryError(self.name, "alertmanager gives alerts, not evidence", query.name)


def _is_active(item: dict[str, Any]) -> bool:
    """Active, or suppressed by a silence only (an inhibited alert is another alert's echo)."""
    status = item.get("status") or {}
    state = status.get("state", "active")
    silenced_only = bool(status.get("silencedBy")) and not status.get("inhibitedBy")
    return state == "active" or (state == "suppressed" and silenced_only)


def _alert(item: dict[str, Any]) -> ActiveAlert:
    labels = item.get("labels", {})
    starts = item.get("startsAt")
    return ActiveAlert(
        name=labels.get("alertname", "?"),
        state="firing",
        source="alertmanager",
        active_at=parse_rfc3339(starts) if starts else None,
        labels=labels,
    )
