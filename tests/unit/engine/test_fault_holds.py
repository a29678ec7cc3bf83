"""Each fault is held for its own duration, from when it took effect (issue #15: one place that
reverts). The real fault stack and plugins against the in-memory driver, on the fake clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from engine_fakes import FakeObserver, scenario, spike

from drillctl.core.clock import FakeClock
from drillctl.core.events import FaultInjected, FaultReverted, FaultRevertStarted, of_type
from drillctl.core.redact import Redactor
from drillctl.engine.engine import DrillOptions, Engine, LiveJournal
from drillctl.engine.holds import Holds
from drillctl.engine.scenario_faults import ScenarioFaults
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import plugin_for
from drillctl.target.memory import MemoryDriver

TWO_FAULTS = [
    {"type": "stop-service", "service": "api", "duration": "20s"},
    {"type": "pause-service", "service": "db", "duration": "60s"},
]


def _drill(
    tmp_path: Path,
    faults: list[dict[str, str]],
    command: str | None = None,
    cancel: bool = False,
):
    scn = scenario(faults=faults)
    clock, driver = FakeClock(), MemoryDriver()
    journal = LiveJournal(tmp_path / "run" / "journal.jsonl", clock=clock)
    env = FaultEnv(driver, journal.path.parent, clock, Redactor())
    stack = ScenarioFaults(env, journal, [plugin_for(p) for p in scn.faults])
    engine = Engine(
        scn,
        DrillOptions(run_id="r1", mode="unattended", operator="ci"),
        journal=journal,
        clock=clock,
        observer=FakeObserver(scn, journal, clock, spike(8, 90)),
        faults=stack,
    )

    async def go():
        async with stack:
            if command is not None:  # a command waiting from the start: acted on at once
                engine.commands.put_nowait(command)
            task = asyncio.ensure_future(engine.run())
            while cancel and len(of_type(journal.events, FaultInjected)) < 2:
                await asyncio.sleep(0)
            if cancel:  # what the command's signal handler does
                task.cancel()
            return await task

    outcome = asyncio.run(go())
    return outcome, journal, driver


def _reverts(journal: LiveJournal) -> list[tuple[int, str, float]]:
    """(fault, by, seconds after it took effect) of each revert, in journal order."""
    effective = {e.fault: e.effective_at for e in of_type(journal.events, FaultInjected)}
    return [
        (e.fault, e.by, (e.ts - datetime.fromisoformat(effective[e.fault])).total_seconds())
        for e in of_type(journal.events, FaultRevertStarted)
    ]


def test_a_20s_and_a_60s_fault_are_each_reverted_at_their_own_time(tmp_path: Path) -> None:
    outcome, journal, driver = _drill(tmp_path, TWO_FAULTS)
    assert outcome.result in ("passed", "failed"), outcome.reason
    assert _reverts(journal) == [(0, "engine", 20.0), (1, "engine", 60.0)]
    assert [e.fault for e in of_type(journal.events, FaultReverted)] == [0, 1]
    assert driver.state("api").state == driver.state("db").state == "running"
    phases = [e.phase for e in journal.events if e.type == "phase"]
    assert phases.index("revert") < phases.index("recover")  # observing until the last revert


def test_the_responder_reverts_what_is_still_in_place_newest_first(tmp_path: Path) -> None:
    outcome, journal, driver = _drill(tmp_path, TWO_FAULTS, command="revert")
    assert _reverts(journal) == [(1, "responder", 0.0), (0, "responder", 0.0)]
    assert driver.state("api").state == driver.state("db").state == "running"
    assert outcome.result != "revert-failed"


def test_a_signal_reverts_every_fault_newest_first_through_the_same_path(tmp_path: Path) -> None:
    outcome, journal, driver = _drill(tmp_path, TWO_FAULTS, cancel=True)
    assert (outcome.exit_code, outcome.result) == (3, "aborted"), outcome.reason
    assert [(f, by) for f, by, _s in _reverts(journal)] == [(1, "signal"), (0, "signal")]
    assert [e.fault for e in of_type(journal.events, FaultReverted)] == [1, 0]
    assert driver.state("api").state == driver.state("db").state == "running"
    assert journal.events[-1].type == "run.ended"


def test_holds_end_in_order_and_a_tie_reverts_the_newest_first() -> None:
    clock = FakeClock()
    holds = Holds()
    holds.start(0, timedelta(seconds=20), clock.now() - timedelta(seconds=5), clock)
    holds.start(1, timedelta(seconds=15), clock.now(), clock)
    holds.start(2, timedelta(seconds=60), clock.now(), clock)
    now = clock.monotonic()
    assert holds.next_in(now) == 15.0
    assert holds.due(now + 15) == [1, 0]  # both end 15 s from now: the newest first
    assert holds.due(now + 15, extra=10) == []  # a game master's extension
    holds.drop(1)
    holds.drop(0)
    assert holds.due(now + 60) == [2]
