"""Build journal events for the engine's unit tests without a journal file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from drillctl.core.journal import Event, parse_line

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


class Events:
    """``add(seconds_after_T0, type, **data)``; ``at(s)`` is the ISO instant s seconds after T0."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    @staticmethod
    def at(seconds: float) -> str:
        return (T0 + timedelta(seconds=seconds)).isoformat()

    def add(self, seconds: float, type_: str, **data: Any) -> Events:
        ts = T0 + timedelta(seconds=seconds)
        self.events.append(
            parse_line(
                {"seq": len(self.events) + 1, "ts": ts, "mono": 1000 + seconds}
                | {"type": type_, "data": data}
            )
        )
        return self

    def symptom(
        self,
        seconds: float,
        signal: str,
        value: float,
        baseline: float,
        breach: float | None = None,
    ) -> Events:
        return self.add(
            seconds,
            "symptom",
            signal=signal,
            value=value,
            baseline=baseline,
            rule=">= baseline x3",
            first_breach_at=self.at(breach if breach is not None else seconds),
            confirmed_at=self.at(seconds),
        )

    def recovered(self, seconds: float, signal: str) -> Events:
        return self.add(
            seconds,
            "recovered",
            signal=signal,
            value=1,
            baseline=1,
            first_normal_at=self.at(seconds),
            confirmed_at=self.at(seconds),
        )


def drill(
    *, symptom_at: float | None = 8, revert_at: float = 30, recovered_at: float | None = 45
) -> Events:
    """A typical stop-service drill: injected at 5 s, symptom, revert, recovery."""
    ev = Events().add(0, "run.started", run_id="r1", mode="unattended")
    ev.add(1, "baseline", signal="waiting", centre=10, spread=1, samples=5, unit="jobs")
    ev.add(
        4,
        "fault.inject-started",
        fault=0,
        id="stop-api",
        type="stop-service",
        plan="stop ebit-api",
        undo={"service": "ebit-api"},
    )
    ev.add(4.5, "container", service="ebit-api", action="die", at=ev.at(4.5), container_id="c1")
    ev.add(5, "fault.injected", fault=0, id="stop-api", result={})
    if symptom_at is not None:
        ev.symptom(symptom_at, "waiting", 340, 10, breach=symptom_at - 2)
    ev.add(revert_at, "fault.revert-started", fault=0, id="stop-api", by="engine")
    ev.add(revert_at + 1, "fault.reverted", fault=0, id="stop-api", result={})
    if recovered_at is not None and symptom_at is not None:
        ev.recovered(recovered_at, "waiting")
    return ev
