"""Every panel query of the lab's Grafana dashboards returns data from the live Prometheus.

Grafana cannot run here, so its provisioned dashboards (compose/, the full-observability profile)
are read as files and each Prometheus target's ``expr`` is sent to the lab's Prometheus, with
Grafana's template variables replaced the way Grafana would for the default selection.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from observe_lab import REPO, settings

from drillctl.core.clock import SystemClock
from drillctl.observe.factory import open_sources

pytestmark = [pytest.mark.lab, pytest.mark.timeout(300)]
DASHBOARD_TITLES = {"ebit-perf-test", "perf-system"}
QUIET_WHEN_STEADY = re.compile(r"\bALERTS(_FOR_STATE)?\b")
BUILTIN_VARS = {"__rate_interval": "30s", "__interval": "15s", "__range": "5m", "interval": "30s"}


def dashboards() -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted((REPO / "compose").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        board = data.get("dashboard", data) if isinstance(data, dict) else {}
        if isinstance(board, dict) and "panels" in board:
            found.append((path, board))
    return found


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in items:
        yield panel
        yield from panels(panel.get("panels") or [])  # panels inside collapsed rows


def variables(board: dict[str, Any]) -> dict[str, str]:
    values = dict(BUILTIN_VARS)
    for var in (board.get("templating") or {}).get("list") or []:
        current = (var.get("current") or {}).get("value")
        if isinstance(current, list):
            current = current[0] if current else None
        if current in (None, "", "$__all"):
            current = (
                ".+"
                if var.get("includeAll") or var.get("type") == "query"
                else var.get("query", "")
            )
        values[var["name"]] = str(current)
    return values


def expand(expr: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        return values.get(name, match.group(0))

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", one, expr)


def queries() -> list[tuple[str, str, str]]:
    """(dashboard title, panel title, PromQL) for every Prometheus target of every panel."""
    found = []
    for _, board in dashboards():
        values = variables(board)
        for panel in panels(board.get("panels") or []):
            for target in panel.get("targets") or []:
                ds = json.dumps(target.get("datasource") or panel.get("datasource") or "")
                if target.get("expr") and "loki" not in ds.lower() and "jaeger" not in ds.lower():
                    found.append(
                        (
                            board.get("title", "?"),
                            panel.get("title", "?"),
                            expand(target["expr"], values),
                        )
                    )
    return found


def test_the_two_dashboards_are_provisioned_with_prometheus_panels() -> None:
    titles = {board.get("title") for _, board in dashboards()}
    assert titles >= DASHBOARD_TITLES, (
        f"dashboards under compose/: {sorted(t for t in titles if t)}"
    )
    assert {q[0] for q in queries()} >= DASHBOARD_TITLES


def test_every_panel_query_returns_data_from_the_live_prometheus(lab: Any) -> None:
    async def main() -> list[str]:
        empty = []
        async with open_sources(settings(lab).sources) as sources:
            prometheus, now = sources["prometheus"], SystemClock().now()
            for board, panel, expr in queries():
                series = await prometheus.query_range(
                    expr, now - timedelta(minutes=2), now, timedelta(seconds=15)
                )
                # ALERTS has no series while nothing fires (api-contracts §1): valid, not empty
                if not any(s.points for s in series) and not QUIET_WHEN_STEADY.search(expr):
                    empty.append(f"{board} / {panel}: {expr}")
        return empty

    assert queries(), "no Prometheus panel query found in the lab's dashboards"
    assert asyncio.run(main()) == []
