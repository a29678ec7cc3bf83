"""The drill engine: preflight → traffic → baseline → inject → observe → revert → recover → report.

Every step is journalled (``phase``) before it runs, and every decision the engine takes lands in
the journal too, so the reports, which are pure functions of the journal, can explain the run.

Lifecycle (DESIGN.md, issue 6):
- preflight problems → nothing injected, ``invalid``, exit 2;
- a symptom, or an expected alert firing, during the baseline → nothing injected, ``not-steady``,
  exit 5;
- each fault is its own async context on the engine's one ``AsyncExitStack`` and stays for its
  own duration from when it took effect (engine/holds.py), then the engine reverts it, unless the
  responder reverts first (``r``); a guardrail (``max_fault_duration``, an ``abort_if``
  condition) reverts at once and ends ``aborted``, exit 3, as does the responder's abort (``q``)
  or a signal (the command's handler cancels the task: the stack unwinds, newest fault first);
- after the last revert the drill goes on until every symptomatic signal recovered and, interactive,
  a hypothesis was stated; or until the cap (``max_duration`` after the injection) or, unattended,
  the recovery timeout;
- the first symptom triggers the diagnosis: evidence, recurrence search, drillctl's own
  evidence-based hypothesis (``hypothesis.auto``); the expect block is then checked
  (``expectation`` events) and decides between ``passed`` (0) and ``failed`` (1).
Collaborators are injected (observer, faults, traffic, recurrence search), so unit tests drive the
engine with fakes and a FakeClock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from drillctl.core.clock import Clock
from drillctl.core.errors import DrillError, ExitCode
from drillctl.core.events import (
    Evidence,
    Guardrail,
    Phase,
    PhaseStarted,
    ResponderHypothesis,
    RunEnded,
    RunResult,
    SourceUnavailable,
    first_of,
)
from drillctl.engine import ends, guardrails
from drillctl.engine.diagnosis import Diagnosis
from drillctl.engine.holds import Holds
from drillctl.engine.inbox import Inbox
from drillctl.engine.judge import Invariants, judge, responder_gaps, verdict
from drillctl.engine.ports import (
    Action,
    DrillOptions,
    FaultsPort,
    LiveJournal,
    ObserverPort,
    Outcome,
    Recurrence,
    TrafficPort,
)
from drillctl.engine.started import run_started
from drillctl.scenario.model import ScenarioBase

__all__ = ["DrillOptions", "Engine", "LiveJournal", "Outcome"]
ALWAYS_EVERY = 5  # polls between two reads of an ``at: always`` invariant


# what ends the observation -> who reverts the faults still in place
BY_COMMAND = {"end-fault": "game-master", "revert": "responder", "abort": "abort"}


class _Stop(Exception):  # control flow inside the engine, never escapes it
    def __init__(self, outcome: Outcome, if_revert_failed: str | None = None) -> None:
        self.outcome = outcome
        self.if_revert_failed = if_revert_failed  # the reason should the unwinding revert fail


class Engine:
    def __init__(
        self,
        scenario: ScenarioBase,
        options: DrillOptions,
        *,
        journal: LiveJournal,
        clock: Clock,
        observer: ObserverPort,
        faults: FaultsPort,
        traffic: TrafficPort | None = None,
        profile: Callable[[], Any] | None = None,
        recurrence: Recurrence | None = None,
        on_start: Callable[[], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.options = options
        self.journal = journal
        self.clock = clock
        self.observer = observer
        self.faults = faults
        self.traffic = traffic
        self.profile = profile  # async context manager factory enabling the traffic profile
        self.recurrence = recurrence
        self.on_start = on_start  # journals what else is known at the start (readiness context)
        self.commands = Inbox()  # the responder's and the game master's commands
        self.diagnosis = Diagnosis(
            scenario, journal, clock, observer, recurrence, judge_own=not options.interactive
        )
        self.invariants = Invariants(scenario, observer)
        self.holds = Holds()  # each injected fault's own end
        self._injected_mono: float | None = None
        self._injected_at: datetime | None = None
        self._diagnosed = False
        self._polls = 0
        self.extra_hold = 0.0  # seconds a game master added to the faults' hold (gm_channel)

    # -- the responder's entry point --------------------------------------------------------

    def responder_action(self, action: Action) -> None:
        """Journal a key press; judge a hypothesis at once; queue revert/abort for the engine."""
        self.journal.append(action.event)
        if isinstance(action.event, ResponderHypothesis):
            stated = action.event
            self.diagnosis.verdict(stated.text, stated.service, stated.kind)
        if action.command:
            self.commands.put_nowait(action.command)

    def hypothesis_stated(self) -> bool:
        return first_of(self.journal.events, ResponderHypothesis) is not None

    # -- the run ---------------------------------------------------------------------------

    async def run(self) -> Outcome:
        self._started()
        self._start_context()
        try:
            outcome = await self._unwound()
        finally:
            with contextlib.suppress(Exception):
                await self.observer.aclose()
        self.journal.append(
            RunEnded(
                exit_code=outcome.exit_code,
                result=RunResult(outcome.result),
                reason=outcome.reason,
            )
        )
        return outcome

    def _start_context(self) -> None:
        if self.on_start is None:
            return
        try:
            self.on_start()
        except Exception as exc:  # context for the responder never stops a drill; say so
            self.journal.append(SourceUnavailable(source="readiness", reason=str(exc)))

    async def _unwound(self) -> Outcome:
        """The drill inside the one ``AsyncExitStack``; by the time an ``except`` runs, the stack
        has unwound: every fault still in place was reverted (or its revert failed)."""
        try:
            async with contextlib.AsyncExitStack() as stack:
                return await self._drive(stack)
        except _Stop as stop:
            return ends.stopped(stop.outcome, stop.if_revert_failed, self.faults.failed())
        except asyncio.CancelledError:
            return ends.interrupted(self.faults.failed())
        except DrillError as exc:
            return ends.failed(exc, self.faults.failed())
        except Exception as exc:  # a bug in drillctl or a plugin: the faults still come back
            return ends.crashed(exc, self.faults.failed(), self.journal)

    def _started(self) -> None:
        self.journal.append(run_started(self.scenario, self.options))

    def _primary(self) -> set[str]:
        return {s.name for s in self.scenario.signals if s.primary}

    def _phase(self, name: str) -> None:
        self.journal.append(PhaseStarted(phase=Phase(name)))

    async def _drive(self, stack: contextlib.AsyncExitStack) -> Outcome:
        await self._preflight()
        await self._start_traffic(stack)
        await self._baseline()
        await self._inject(stack)
        by = await self._observe()
        await self._revert(by)
        if by in ("abort", "guardrail"):
            return Outcome(ExitCode.ABORTED, "aborted", guardrails.abort_reason(self.journal, by))
        await self._recover()
        return await self._judge()

    async def _preflight(self) -> None:
        self._phase("preflight")
        problems = [*await self.faults.check(), *await self.observer.preflight()]
        if problems:
            raise _Stop(Outcome(ExitCode.INVALID, "invalid", "preflight: " + "; ".join(problems)))

    async def _start_traffic(self, stack: contextlib.AsyncExitStack) -> None:
        self._phase("traffic")
        if self.profile is not None:
            await stack.enter_async_context(self.profile())
        if self.traffic is not None:
            await self.traffic.start()
            stack.push_async_callback(self._stop_traffic)

    async def _stop_traffic(self) -> None:
        assert self.traffic is not None
        totals = await self.traffic.stop()
        summary = ends.traffic_words(totals)
        self.journal.append(
            Evidence(kind="probe", source="traffic", summary=summary, items=[totals])
        )

    async def _baseline(self) -> None:
        self._phase("baseline")
        report = await self.observer.collect_baseline(self.scenario.baseline)
        if report.problems:  # a rule meaningless against what was measured: scenario problem
            reason = "the scenario's rules cannot work against this baseline: "
            raise _Stop(
                Outcome(
                    ExitCode.INVALID,
                    "invalid",
                    reason + "; ".join(report.problems) + "; nothing was injected",
                )
            )
        primary = self._primary()
        broken = [line for line in report.not_steady if line.split(":", 1)[0] in primary]
        broken += self._expected_alerts_already_firing(report.firing)
        if broken:  # a secondary signal (e.g. "active jobs below 0.5") says nothing of steadiness
            reason = "not in steady state during the baseline: " + "; ".join(broken)
            raise _Stop(
                Outcome(ExitCode.NOT_STEADY, "not-steady", reason + "; nothing was injected")
            )

    def _expected_alerts_already_firing(self, firing: list[str]) -> list[str]:
        """An alert the drill expects that fires before the fault could not show the fault, and
        a stack already paging is no place to add one (a steady-state check, like the signals')."""
        expected = {alert.name for alert in self.scenario.expect.alerts}
        return [f"alert {name} (expected by this drill) is already firing" for name in firing
                if name in expected]  # fmt: skip

    async def _inject(self, stack: contextlib.AsyncExitStack) -> None:
        """Each fault its own context on the stack, held from when it took effect."""
        self._phase("inject")
        await self.invariants.before_inject()
        self._injected_mono, self._injected_at = self.clock.monotonic(), self.clock.now()
        try:
            for index, hold in enumerate(self.faults.holds()):
                effective_at = await stack.enter_async_context(self.faults.injected(index))
                self.holds.start(index, hold, effective_at, self.clock)
        except DrillError as exc:
            raise _Stop(
                Outcome(ExitCode.INVALID, "invalid", f"inject failed, reverted: {exc}"),
                if_revert_failed=f"inject failed: {exc}; and a revert failed too",
            ) from exc

    # -- observe: until every hold ends, the responder reverts, or a guardrail trips -------------

    async def _observe(self) -> str:
        """Until every fault's hold is over, the responder or game master reverts, or a guardrail
        trips; returns who reverts what is still in place."""
        self._phase("observe")
        assert self._injected_mono is not None
        guard = self._injected_mono + self.scenario.guardrails.max_fault_duration.total_seconds()
        while True:
            command = self._command()
            if command is not None:
                return BY_COMMAND.get(command, "abort")
            if await self._revert_due():
                return "engine"
            if self.clock.monotonic() >= guard:
                self.journal.append(
                    Guardrail(
                        name="max_fault_duration",
                        reason=f"the fault outlived {self.scenario.guardrails.max_fault_duration}",
                    )
                )
                return "guardrail"
            if await self._poll():
                return "guardrail"
            until = self.holds.next_in(self.clock.monotonic(), self.extra_hold)
            await self._wait(min(self.options.poll_interval, until))

    async def _revert_due(self) -> bool:
        """Revert each fault whose own hold is over; True once none is left in place."""
        for index in self.holds.due(self.clock.monotonic(), self.extra_hold):
            self.holds.drop(index)
            await self.faults.revert(index, "engine")
        return not self.holds

    def _command(self) -> str | None:
        return self.commands.take()

    async def _wait(self, seconds: float) -> None:
        await self.commands.wait(self.clock, seconds)

    async def _poll(self) -> bool:
        """One observation; diagnose on the first symptom; True when an abort_if condition holds."""
        await self.observer.poll_once()
        self._polls += 1
        if (
            not self._diagnosed
            and self._injected_at is not None
            and self.observer.ever_symptomatic()
        ):
            self._diagnosed = True
            assert self._injected_at is not None
            await self.diagnosis.run(self._injected_at)
        if self._polls % ALWAYS_EVERY == 0:
            await self.invariants.sample_always()
        return guardrails.crossed(self.scenario, self.journal)

    # -- revert and recover ---------------------------------------------------------------------

    async def _revert(self, by: str) -> None:
        self._phase("revert")
        self.holds.clear()
        if not await self.faults.revert_all("responder" if by == "abort" else by):
            raise _Stop(
                Outcome(
                    ExitCode.REVERT_FAILED,
                    "revert-failed",
                    "a revert failed: the stack may be degraded; run `drillctl recover`",
                )
            )

    async def _recover(self) -> None:
        self._phase("recover")
        assert self._injected_mono is not None
        now = self.clock.monotonic()
        cap = self._injected_mono + self.options.max_duration.total_seconds()
        if not self.options.interactive:
            cap = min(cap, now + self.scenario.recovery.timeout.total_seconds())
        while self.clock.monotonic() < cap:
            if self._command() == "abort":
                raise _Stop(Outcome(ExitCode.ABORTED, "aborted", "the responder aborted the drill"))
            if await self._poll():
                raise _Stop(
                    Outcome(
                        ExitCode.ABORTED,
                        "aborted",
                        guardrails.abort_reason(self.journal, "guardrail"),
                    )
                )
            if self._recovered_enough():
                return
            await self._wait(
                min(self.options.poll_interval, max(cap - self.clock.monotonic(), 0.0))
            )
        self.journal.append(
            Guardrail(
                name="max_duration" if self.options.interactive else "recovery.timeout",
                reason="the drill reached its cap before every condition to end was met",
            )
        )

    def _recovered_enough(self) -> bool:
        if self.options.interactive and not self.hypothesis_stated():
            return False
        if self.observer.ever_symptomatic():
            return self.observer.all_recovered()
        within = self.scenario.expect.symptom_within
        assert self._injected_mono is not None
        return (
            within is not None
            and self.clock.monotonic() - self._injected_mono > within.total_seconds()
        )

    # -- judge ------------------------------------------------------------------------------------

    async def _judge(self) -> Outcome:
        results = await judge(
            self.scenario, self.options, self.journal, self.diagnosis, self.invariants
        )
        self._phase("report")
        return verdict(results, responder_gaps(self.journal, self.options.interactive))
