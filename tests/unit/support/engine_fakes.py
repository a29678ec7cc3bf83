"""Fakes of the engine's collaborators: an observer fed by a script, a fault stack, a scenario."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from drillctl.core.clock import FakeClock
from drillctl.core.errors import DrillError
from drillctl.engine.engine import DrillOptions, Engine, LiveJournal
from drillctl.engine.ports import RecurrenceFound
from drillctl.scenario.model import ScenarioBase, scenario_model

# value of each signal as a function of seconds since the fake observer was created
Script = Callable[[float], dict[str, float]]


def scenario(**over: Any) -> ScenarioBase:
    doc: dict[str, Any] = {
        "name": "queue-drill",
        "title": "Queue backs up",
        "severity": "P2",
        "description": "the consumer stops",
        "objective": "read the queue depth",
        "baseline": "5s",
        "faults": [{"type": "stop-service", "service": "ebit-api", "duration": "20s"}],
        "signals": [
            {"name": "waiting", "source": "prometheus", "query": "q", "symptom": {"above": 100}},
        ],
        "root_cause": {
            "summary": "the consumer ebit-api is down",
            "keywords": ["consumer", "ebit-api"],
        },
        "recovery": {"timeout": "60s"},
    }
    doc.update(over)
    return scenario_model().model_validate(doc)


class FakeObserver:
    """Threshold detection (value > symptom.above) on scripted values, journalled like Observer."""

    def __init__(
        self, scn: ScenarioBase, journal: LiveJournal, clock: FakeClock, script: Script
    ) -> None:
        self.scenario, self.journal, self.clock, self.script = scn, journal, clock, script
        self.t0 = clock.monotonic()
        self.state: dict[str, str] = {}
        self.problems: list[str] = []
        self.evidence_windows: list[tuple[Any, Any]] = []
        self.firing_at_baseline: list[str] = []  # alerts firing when the baseline ends
        self.invariant_values: dict[str, float | None] = {}

    async def preflight(self) -> list[str]:
        return self.problems

    def _read(self) -> dict[str, float]:
        return self.script(self.clock.monotonic() - self.t0)

    async def collect_baseline(self, duration: timedelta) -> Any:
        breaking: list[str] = []
        end = self.clock.monotonic() + duration.total_seconds()
        while self.clock.monotonic() < end:
            for signal in self.scenario.signals:
                value = self._read()[signal.name]
                self.journal.append(
                    "sample", signal=signal.name, value=value, at=self.clock.now().isoformat()
                )
                if value > (signal.symptom.above or 0):
                    breaking.append(f"{signal.name}: > {signal.symptom.above}")
            await self.clock.sleep(1)
        for signal in self.scenario.signals:
            self.journal.append(
                "baseline", signal=signal.name, centre=1.0, spread=0.0, samples=5, unit=None
            )
        return _Report(not_steady=sorted(set(breaking)), firing=list(self.firing_at_baseline))

    async def poll_once(self) -> None:
        now = self.clock.now().isoformat()
        for signal in self.scenario.signals:
            value = self._read()[signal.name]
            self.journal.append("sample", signal=signal.name, value=value, at=now)
            bad = value > (signal.symptom.above or 0)
            state = self.state.get(signal.name, "normal")
            if bad and state == "normal":
                self.state[signal.name] = "symptomatic"
                self.journal.append(
                    "symptom",
                    signal=signal.name,
                    value=value,
                    baseline=1.0,
                    rule="> 100",
                    first_breach_at=now,
                    confirmed_at=now,
                )
            elif not bad and state == "symptomatic":
                self.state[signal.name] = "recovered"
                self.journal.append(
                    "recovered",
                    signal=signal.name,
                    value=value,
                    baseline=1.0,
                    first_normal_at=now,
                    confirmed_at=now,
                )

    def ever_symptomatic(self) -> bool:
        return bool(self.state)

    def all_recovered(self) -> bool:
        return all(s == "recovered" for s in self.state.values())

    async def gather_evidence(self, start: Any, end: Any) -> list[Any]:
        self.evidence_windows.append((start, end))
        self.journal.append(
            "evidence",
            kind="log",
            source="logs",
            summary="1 error line",
            items=[{"service": "ebit-game", "line": "queue waiting grows"}],
        )
        return []

    async def invariant(self, inv: Any) -> Any:
        return self.invariant_values.get(inv.name)

    async def aclose(self) -> None:
        return None


@dataclass
class _Report:
    not_steady: list[str]
    firing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def steady(self) -> bool:
        return not self.not_steady


@dataclass
class FakeFaults:
    """One stop-service fault behind the engine's ``FaultsPort``."""

    journal: LiveJournal
    hold_s: float = 20
    problems: list[str] = field(default_factory=list)
    fail_inject: bool = False
    fail_revert: bool = False
    injected_now: bool = False
    reverts: list[str] = field(default_factory=list)
    clock: Any = None
    slow_stop_s: float = 0.0  # the stop command's grace period: the fault takes effect after it
    effective_at: Any = None
    revert_failed: bool = False

    async def check(self) -> list[str]:
        return self.problems

    def holds(self) -> list[timedelta]:
        return [timedelta(seconds=self.hold_s)]

    @contextlib.asynccontextmanager
    async def injected(self, index: int) -> AsyncIterator[datetime]:
        try:
            yield await self._inject()
        except asyncio.CancelledError:
            await self.revert(index, "signal")
            raise
        finally:
            await self.revert(index, "engine")

    async def _inject(self) -> datetime:
        self.journal.append(
            "fault.inject-started",
            fault=0,
            id="stop-service",
            type="stop-service",
            plan="stop ebit-api",
            undo={"service": "ebit-api"},
        )
        self.injected_now = True
        if self.fail_inject:
            self.journal.append("fault.inject-failed", fault=0, id="stop-service", error="boom")
            raise DrillError("stop-service: boom")
        if self.slow_stop_s:
            self.clock.advance(self.slow_stop_s)
        self.effective_at = self.clock.now()
        self.journal.append(
            "container", service="ebit-api", action="die", at=None, container_id="c1"
        )
        self.journal.append("fault.injected", fault=0, id="stop-service", result={})
        return self.effective_at

    async def revert(self, index: int, by: str) -> bool:
        if not self.injected_now:
            return True
        self.reverts.append(by)
        self.injected_now = False
        self.journal.append("fault.revert-started", fault=0, id="stop-service", by=by)
        if self.fail_revert:
            self.revert_failed = True
            self.journal.append(
                "fault.revert-failed",
                fault=0,
                id="stop-service",
                error="gone",
                state="ebit-api stopped",
                todo="docker compose start ebit-api",
            )
            return False
        self.journal.append("fault.reverted", fault=0, id="stop-service", result={})
        return True

    async def revert_all(self, by: str) -> bool:
        await self.revert(0, by)
        return not self.revert_failed

    def failed(self) -> bool:
        return self.revert_failed


@dataclass
class Rig:
    engine: Engine
    journal: LiveJournal
    clock: FakeClock
    observer: FakeObserver
    faults: FakeFaults

    def types(self) -> list[str]:
        return [e.type for e in self.journal.events]

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [e.data for e in self.journal.events if e.type == type_]


def rig(
    tmp_path: Path,
    script: Script,
    *,
    scn: ScenarioBase | None = None,
    mode: str = "unattended",
    hold_s: float = 20,
    **faults: Any,
) -> Rig:
    scn = scn or scenario()
    clock = FakeClock()
    journal = LiveJournal(tmp_path / "run" / "journal.jsonl", clock=clock)
    observer = FakeObserver(scn, journal, clock, script)
    fake_faults = FakeFaults(journal, hold_s=hold_s, clock=clock, **faults)
    options = DrillOptions(run_id="r1", mode=mode, operator="alice", poll_interval=1.0)
    engine = Engine(
        scn,
        options,
        journal=journal,
        clock=clock,
        observer=observer,
        faults=fake_faults,
        recurrence=fake_recurrence,
    )
    return Rig(engine, journal, clock, observer, fake_faults)


def fake_recurrence(text: str, anchors: Sequence[tuple[str, str]]) -> RecurrenceFound:
    """One runbook, and one past run when the symptom names an anchor, saying why."""
    why = [f"{kind} {name}" for kind, name in anchors]
    return RecurrenceFound(
        runbooks=[
            {"rank": 1, "path": "runbooks/queue.md", "why": why, "passage": f"seen: {text[:20]}"}
        ],
        runs=[{"rank": 1, "run": "r0", "title": "run r0", "why": why}] if anchors else [],
    )


def spike(start: float, end: float, high: float = 500, low: float = 5) -> Script:
    """``waiting`` is high between start and end seconds (from the observer's creation)."""
    return lambda t: {"waiting": high if start <= t < end else low}
