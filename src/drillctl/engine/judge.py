"""The drill's verdict: the expect block checked against the journal, and the invariants read.

``judge`` journals one ``expectation`` event per check and returns the run's outcome: ``passed``
(exit 0), ``failed`` (exit 1), or, interactive, ``passed`` with what the responder left out
(exit 1). ``Invariants`` reads the scenario's invariants: before the injection (``measure:
change`` compares with it), every few polls during the drill (``at: always``) and at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drillctl.core.errors import ExitCode
from drillctl.core.events import Expectation, ResponderAck, ResponderHypothesis, first_of
from drillctl.engine.diagnosis import Diagnosis
from drillctl.engine.expectations import (
    Result,
    check_fault_effects,
    check_invariant,
    check_timings,
)
from drillctl.engine.ports import DrillOptions, LiveJournal, ObserverPort, Outcome
from drillctl.scenario.model import ScenarioBase


class Invariants:
    def __init__(self, scenario: ScenarioBase, observer: ObserverPort) -> None:
        self.scenario = scenario
        self.observer = observer
        self._always: dict[str, list[float | None]] = {}
        self._before_inject: dict[str, float | None] = {}  # for ``measure: change`` invariants

    async def before_inject(self) -> None:
        for inv in self.scenario.expect.invariants:
            if inv.measure == "change":
                self._before_inject[inv.name] = await self._read_raw(inv)

    async def sample_always(self) -> None:
        for inv in self.scenario.expect.invariants:
            if inv.at == "always":
                self._always.setdefault(inv.name, []).append(await self._read(inv))

    async def results(self) -> list[Result]:
        results = []
        for inv in self.scenario.expect.invariants:
            now = await self._read(inv)
            values = [*self._always.get(inv.name, []), now] if inv.at == "always" else [now]
            results.append(check_invariant(inv, values))
        return results

    async def _read(self, inv: Any) -> float | None:
        value = await self._read_raw(inv)
        if getattr(inv, "measure", "value") != "change":
            return value
        before = self._before_inject.get(inv.name)
        return None if value is None or before is None else value - before

    async def _read_raw(self, inv: Any) -> float | None:
        result = await self.observer.invariant(inv)
        value = getattr(result, "value", result)
        return float(value) if isinstance(value, int | float) else None


async def judge(
    scenario: ScenarioBase,
    options: DrillOptions,
    journal: LiveJournal,
    diagnosis: Diagnosis,
    invariants: Invariants,
) -> list[Result]:
    """Every check of the expect block, journalled as ``expectation`` events."""
    expect, recovery = scenario.expect, scenario.recovery
    primary = {s.name for s in scenario.signals if s.primary}
    results = check_timings(journal.events, expect, recovery, primary)
    if options.interactive:  # a quick human revert may beat an alert's `for`: not their fault
        results = [r for r in results if not r.name.startswith("alert:")]
    results += await invariants.results()
    results += check_fault_effects(journal.events)
    if not options.interactive:  # unattended: drillctl's verdict is an expectation
        results += diagnosis.verdict_results()
    for result in results:
        journal.append(Expectation(**result.as_data()))
    return results


def verdict(results: Sequence[Result], gaps: Sequence[str]) -> Outcome:
    failed = [r.name for r in results if not r.passed]
    if failed:
        return Outcome(
            ExitCode.EXPECTATION_FAILED, "failed", "expectation failed: " + ", ".join(failed)
        )
    if gaps:
        return Outcome(ExitCode.EXPECTATION_FAILED, "passed", "incomplete: " + "; ".join(gaps))
    return Outcome(ExitCode.OK, "passed", "every expectation met")


def responder_gaps(journal: LiveJournal, interactive: bool) -> list[str]:
    """What an interactive drill's responder left out (nothing is asked of an unattended one)."""
    if not interactive:
        return []
    gaps = []
    if first_of(journal.events, ResponderAck) is None:
        gaps.append("the responder never acknowledged")
    if first_of(journal.events, ResponderHypothesis) is None:
        gaps.append("the responder stated no hypothesis")
    return gaps
