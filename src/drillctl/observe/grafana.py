"""Grafana: dashboards by exact title, deep links for the drill window, phase annotations.

``/api/search`` matches titles fuzzily, so the exact title is picked client-side; its ``url`` is a
path (it includes any sub-path Grafana is served under) and is prefixed with the public base URL
people open (``sources.grafana_public_url``). Links and annotations count time in **milliseconds**
(seconds would land in January 1970 with a 200 OK). A POST with an unknown ``dashboardUID`` is not
rejected — it silently becomes an organisation-wide annotation — so the UID is verified first
(api-contracts.md §5). Annotations need a token; without one ``annotate`` does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from drillctl.core.errors import SourceUnavailable
from drillctl.core.timeconv import to_grafana_ms
from drillctl.observe.base import Evidence, QueryError
from drillctl.observe.httpapi import HttpApi, guarded, not_a, parse_json, raise_for_status
from drillctl.scenario.model import EvidenceQuery, Signal

LINK_PAD = timedelta(minutes=5)


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    url: str  # path as Grafana gives it: /d/<uid>/<slug> (with any sub-path)


@guarded
class GrafanaSource:
    name = "grafana"

    def __init__(
        self, api: HttpApi, *, public_url: str | None = None, token: str | None = None
    ) -> None:
        self.api = api
        self.public_url = (public_url or api.base_url).rstrip("/")
        self.token = token
        if token:
            api.headers["Authorization"] = f"Bearer {token}"
        self._found: dict[str, Dashboard | None] = {}

    async def check(self) -> dict[str, Any]:
        body = await self.api.json_object("GET", "/api/health")
        return {"version": body.get("version", "?"), "database": body.get("database", "?")}

    async def find_dashboard(self, title: str) -> Dashboard | None:
        """The dashboard with exactly this title (cached for the run), or None."""
        if title not in self._found:
            params = {"query": title, "type": "dash-db"}
            hits = await self.api.json(
                "GET", "/api/search", params=params, subject=f"dashboard {title}"
            )
            if not isinstance(hits, list):  # e.g. {"message": ...} from a proxy or an old API
                raise SourceUnavailable(self.name, f"/api/search {not_a('a list', hits)}")
            exact = [h for h in hits if isinstance(h, dict) and h.get("title") == title]
            self._found[title] = (
                Dashboard(exact[0]["uid"], title, exact[0]["url"]) if exact else None
            )
        return self._found[title]

    async def dashboard_exists(self, uid: str) -> bool:
        response = await self.api.send("GET", f"/api/dashboards/uid/{uid}")
        if response.status_code == 404:
            return False
        raise_for_status(self.name, response, f"dashboard {uid}")
        return True

    def deep_link(
        self,
        dashboard: Dashboard,
        start: datetime,
        end: datetime,
        variables: dict[str, list[str]] | None = None,
    ) -> str:
        """Link to the dashboard for [start - 5 min, end + 5 min]; ``var-x`` repeated per value."""
        query: list[tuple[str, str]] = [
            ("orgId", "1"),
            ("from", str(to_grafana_ms(start - LINK_PAD))),
            ("to", str(to_grafana_ms(end + LINK_PAD))),
        ]
        for name, values in (variables or {}).items():
            query.extend((f"var-{name}", value) for value in values)
        return f"{self.public_url}{dashboard.url}?{urlencode(query)}"

    async def links(
        self, titles: list[str], start: datetime, end: datetime
    ) -> dict[str, str | None]:
        """Deep link per title; None where no dashboard has that exact title."""
        found = {title: await self.find_dashboard(title) for title in titles}
        return {t: self.deep_link(d, start, end) if d else None for t, d in found.items()}

    async def annotate(
        self,
        text: str,
        at: datetime,
        *,
        end: datetime | None = None,
        tags: list[str] | None = None,
        dashboard_title: str | None = None,
    ) -> int | None:
        """Post an annotation (ms times), on a dashboard only once its UID is verified.

        Returns the annotation id; None when no token is configured."""
        if not self.token:
            return None
        payload: dict[str, Any] = {"time": to_grafana_ms(at), "text": text, "tags": tags or []}
        if end is not None:
            payload["timeEnd"] = to_grafana_ms(end)
        if dashboard_title:
            dashboard = await self.find_dashboard(dashboard_title)
            if dashboard is None or not await self.dashboard_exists(dashboard.uid):
                raise QueryError(
                    self.name, f"no dashboard titled {dashboard_title!r}", "annotation"
                )
            payload["dashboardUID"] = dashboard.uid
        response = await self.api.send("POST", "/api/annotations", json_body=payload)
        raise_for_status(self.name, response, "annotation")
        body = parse_json(response.text)
        return body.get("id") if isinstance(body, dict) else None

    async def read(self, signal: Signal, at: datetime) -> float | None:
        raise QueryError(self.name, "grafana has dashboards, not signals", f"signal {signal.name}")

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        titles = [t.strip() for t in (query.query or "").split(",") if t.strip()]
        return await self.dashboard_evidence(titles, start, end)

    async def dashboard_evidence(
        self, titles: list[str], start: datetime, end: datetime
    ) -> Evidence:
        links = await self.links(titles, start, end)
        items = [{"title": t, "url": url} for t, url in links.items()]
        missing = [t for t, url in links.items() if url is None]
        summary = f"{len(links) - len(missing)} dashboards linked for the drill window"
        if missing:
            summary += f"; not found: {', '.join(missing)}"
        return Evidence(kind="dashboard", source=self.name, summary=summary, items=items)
