"""Fake sources and a scenario builder for the observer's unit tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from drillctl.core.errors import SourceUnavailable
from drillctl.core.journal import Journal, read_events
from drillctl.observe.base import ActiveAlert, Evidence
from drillctl.scenario.model import EvidenceQuery, ScenarioBase, Signal, scenario_model

Script = Callable[[datetime], float | None]


class FakeSource:
    """A source whose answer is a function of the (fake) time; `down` makes it unavailable."""

    def __init__(self, name: str, values: dict[str, Script] | None = None) -> None:
        self.name = name
        self.values = values or {}
        self.down: str | None = None
        self.reads = 0
        self.alerts: list[ActiveAlert] = []

    async def check(self) -> dict[str, Any]:
        if self.down:
            raise SourceUnavailable(self.name, self.down)
        return {"version": "fake"}

    async def read(self, signal: Signal, at: datetime) -> float | None:
        self.reads += 1
        if self.down:
            raise SourceUnavailable(self.name, self.down)
        return self.values[signal.name](at)

    async def evidence(self, query: EvidenceQuery, start: datetime, end: datetime) -> Evidence:
        if self.down:
            raise SourceUnavailable(self.name, self.down)
        return Evidence(
            kind="log",
            source=self.name,
            summary=f"{query.name}: 1 log lines",
            items=[{"line": "x"}],
        )

    async def active_alerts(self) -> list[ActiveAlert]:
        if self.down:
            raise SourceUnavailable(self.name, self.down)
        return list(self.alerts)


def make_scenario(signals: list[dict[str, Any]], **extra: Any) -> ScenarioBase:
    data = {
        "name": "test-drill",
        "title": "t",
        "severity": "P2",
        "description": "d",
        "objective": "o",
        "baseline": "10s",
        "signals": signals,
        "faults": [{"type": "stop-service", "service": "ebit-api", "duration": "60s"}],
        "root_cause": {"summary": "s", "keywords": ["k"]},
        **extra,
    }
    return scenario_model().model_validate(data)


def events(journal: Journal, type_: str | None = None) -> list[dict[str, Any]]:
    return [
        e.data | {"_type": e.type} for e in read_events(journal.path) if type_ in (None, e.type)
    ]
