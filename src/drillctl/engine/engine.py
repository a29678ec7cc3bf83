"""The drill engine: preflight → traffic → baseline → inject → observe → revert → recover → report.

Every step is journalled (``phase``) before it runs, and every decision the engine takes lands in
the journal too, so the reports, which are pure functions of the journal, can explain the run.

Lifecycle (DESIGN.md, issue 6):
- preflight problems → nothing injected, ``invalid``, exit 2;
- a symptom already present during the baseline → nothing injected, ``not-steady``, exit 5;
- the faults stay for their declared duration (the longest ``hold_for``), then the engine reverts
  them, unless the responder reverts first (``r``); a guardrail (``max_fault_duration``, an
  ``abort_if`` condition) reverts at once and ends ``aborted``, exit 3, as does the responder's
  abort (``q``) or SIGINT/SIGTERM (the task is cancelled, the faults unwind);
- after the revert the drill goes on until every symptomatic signal recovered and, interactive,
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
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

from drillctl.core.clock import Clock
from drillctl.core.errors import DrillError, ExitCode
from drillctl.core.events import (
    Evidence,
    Expectation,
    Guardrail,
    Phase,
    PhaseStarted,
    ResponderAck,
    ResponderHypothesis,
    RunEnded,
    RunResult,
    RunStarted,
    Sample,
    SourceUnavailable,
    first_of,
    of_type,
)
from drillctl.engine.diagnosis import Diagnosis
from drillctl.engine.expectations import (
    Result,
    check_fault_effects,
    check_invariant,
    check_timings,
)
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
from drillctl.scenario.model import ScenarioBase

__all__ = ["DrillOptions", "Engine", "LiveJournal", "Outcome"]
ALWAYS_EVERY = 5  # polls between two reads of an ``at: always`` invariant


class _Stop(Exception):  # control flow inside the engine, never escapes it
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


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
        self.commands: asyncio.Queue[str] = asyncio.Queue()
        self.diagnosis = Diagnosis(
            scenario, journal, clock, observer, recurrence, judge_own=not options.interactive
        )
        self._injected_mono: float | None = None
        self._injected_at: datetime | None = None
        self._diagnosed = False
        self._always: dict[str, list[float | None]] = {}
        self._before_inject: dict[str, float | None] = {}  # for ``measure: change`` invariants
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
        if self.on_start is not None:
            try:
                self.on_start()
            except Exception as exc:  # context for the responder never stops a drill; say so
                self.journal.append(SourceUnavailable(source="readiness", reason=str(exc)))
        stack = contextlib.AsyncExitStack()
        try:
            async with stack:
                outcome = await self._drive(stack)
        except _Stop as stop:
            outcome = stop.outcome
        except asyncio.CancelledError:
            outcome = await self._interrupted()
        except DrillError as exc:
            outcome = await self._failed(exc)
        except Exception as exc:  # a bug in drillctl or a plugin: the faults still come back
            outcome = await self._crashed(exc)
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

    def _started(self) -> None:
        s, o = self.scenario, self.options
        start = RunStarted(
            run_id=o.run_id,
            scenario={
                "name": s.name,
                "title": s.title,
                "severity": s.severity,
                "description": s.description,
                "objective": s.objective,
                "root_cause": s.root_cause.model_dump(mode="json"),
                "runbook": str(s.runbook) if s.runbook else None,
            },
            scenario_file=o.scenario_file,
            mode=o.mode,
            operator=o.operator,
            target=o.target,
            seed=o.seed,
            blind=False,
            drillctl_version=o.version,
            dashboards=o.dashboards or {title: "" for title in s.dashboards},
        )
        self.journal.append(start)

    def _primary(self) -> set[str]:
        return {s.name for s in self.scenario.signals if s.primary}

    def _phase(self, name: str) -> None:
        self.journal.append(PhaseStarted(phase=Phase(name)))

    async def _drive(self, stack: contextlib.AsyncExitStack) -> Outcome:
        await self._preflight()
        await self._start_traffic(stack)
        await self._baseline()
        await self._inject()
        by = await self._observe()
        await self._revert(by)
        if by in ("abort", "guardrail"):
            return Outcome(ExitCode.ABORTED, "aborted", self._abort_reason(by))
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
        summary = _traffic_words(totals)
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
        if broken:  # a secondary signal (e.g. "active jobs below 0.5") says nothing of steadiness
            reason = "not in steady state during the baseline: " + "; ".join(broken)
            raise _Stop(
                Outcome(ExitCode.NOT_STEADY, "not-steady", reason + "; nothing was injected")
            )

    async def _inject(self) -> None:
        self._phase("inject")
        for inv in self.scenario.expect.invariants:
            if inv.measure == "change":
                self._before_inject[inv.name] = await self._read_raw_invariant(inv)
        self._injected_mono, self._injected_at = self.clock.monotonic(), self.clock.now()
        try:
            await self.faults.inject()
            self._hold_from_effect()
        except DrillError as exc:
            reverted = await self.faults.revert("engine")
            if not reverted:
                raise _Stop(
                    Outcome(
                        ExitCode.REVERT_FAILED,
                        "revert-failed",
                        f"inject failed: {exc}; and a revert failed too",
                    )
                ) from exc
            raise _Stop(
                Outcome(ExitCode.INVALID, "invalid", f"inject failed, reverted: {exc}")
            ) from exc

    def _hold_from_effect(self) -> None:
        """Hold the faults from when the last one took effect (a stop's ``die``...), not from
        when its command started: a 10 s SIGTERM grace period is not part of a 30 s outage."""
        effective = getattr(self.faults, "effective_at", None)
        if isinstance(effective, datetime) and self._injected_at is not None:
            late = (effective - self._injected_at).total_seconds()
            self._injected_mono = (self._injected_mono or 0.0) + max(late, 0.0)

    # -- observe: until the hold ends, the responder reverts, or a guardrail trips ---------------

    async def _observe(self) -> str:
        self._phase("observe")
        assert self._injected_mono is not None
        until = self._injected_mono + self.faults.hold().total_seconds()
        guard = self._injected_mono + self.scenario.guardrails.max_fault_duration.total_seconds()
        while True:
            command = self._command()
            if command is not None:
                if command == "end-fault":  # the game master ended the fault early
                    return "game-master"
                return "responder" if command == "revert" else "abort"
            now = self.clock.monotonic()
            if now >= until + self.extra_hold:
                return "engine"
            if now >= guard:
                self.journal.append(
                    Guardrail(
                        name="max_fault_duration",
                        reason=f"the fault outlived {self.scenario.guardrails.max_fault_duration}",
                    )
                )
                return "guardrail"
            if await self._poll():
                return "guardrail"
            await self._wait(
                min(
                    self.options.poll_interval,
                    max(until + self.extra_hold - self.clock.monotonic(), 0.0),
                )
            )

    def _command(self) -> str | None:
        try:
            return self.commands.get_nowait()
        except asyncio.QueueEmpty:
            return None

    async def _wait(self, seconds: float) -> None:
        """Sleep on the run's clock, but wake up at once for a responder's command."""
        if seconds <= 0:
            return
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        getter = asyncio.ensure_future(self.commands.get())
        done, _ = await asyncio.wait({sleeper, getter}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, getter):
            if task not in done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if getter in done:
            self.commands.put_nowait(getter.result())

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
            await self._sample_always_invariants()
        return self._abort_if()

    def _abort_if(self) -> bool:
        for cond in self.scenario.guardrails.abort_if:
            value = self._latest(cond.signal)
            if value is None:
                continue
            if (cond.above is not None and value > cond.above) or (
                cond.below is not None and value < cond.below
            ):
                self.journal.append(
                    Guardrail(
                        name=f"abort_if:{cond.signal}",
                        reason=f"{cond.signal} = {value:g} crossed the abort threshold",
                    )
                )
                return True
        return False

    def _latest(self, signal: str) -> float | None:
        samples = [e for e in of_type(self.journal.events, Sample) if e.signal == signal]
        return samples[-1].value if samples else None

    def _abort_reason(self, by: str) -> str:
        if by == "abort":
            return "the responder aborted the drill; faults reverted"
        guard = next(reversed(of_type(self.journal.events, Guardrail)), None)
        return f"guardrail {guard.name}: {guard.reason}; faults reverted" if guard else "guardrail"

    # -- diagnosis: evidence, recurrence, drillctl's own hypothesis --------------------------------

    # -- revert and recover ---------------------------------------------------------------------

    async def _revert(self, by: str) -> None:
        self._phase("revert")
        if not await self.faults.revert("responder" if by == "abort" else by):
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
                raise _Stop(Outcome(ExitCode.ABORTED, "aborted", self._abort_reason("guardrail")))
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
        expect, recovery = self.scenario.expect, self.scenario.recovery
        results = check_timings(self.journal.events, expect, recovery, self._primary())
        if (
            self.options.interactive
        ):  # a quick human revert may beat an alert's `for`: not their fault
            results = [r for r in results if not r.name.startswith("alert:")]
        results += await self._invariants()
        results += check_fault_effects(self.journal.events)
        if not self.options.interactive:  # unattended: drillctl's verdict is an expectation
            results += self.diagnosis.verdict_results()
        for result in results:
            self.journal.append(Expectation(**result.as_data()))
        self._phase("report")
        failed = [r.name for r in results if not r.passed]
        if failed:
            return Outcome(
                ExitCode.EXPECTATION_FAILED, "failed", "expectation failed: " + ", ".join(failed)
            )
        missing = self._responder_gaps()
        if missing:
            return Outcome(
                ExitCode.EXPECTATION_FAILED, "passed", "incomplete: " + "; ".join(missing)
            )
        return Outcome(ExitCode.OK, "passed", "every expectation met")

    def _responder_gaps(self) -> list[str]:
        if not self.options.interactive:
            return []
        events = self.journal.events
        gaps = []
        if first_of(events, ResponderAck) is None:
            gaps.append("the responder never acknowledged")
        if not self.hypothesis_stated():
            gaps.append("the responder stated no hypothesis")
        return gaps

    async def _invariants(self) -> list[Result]:
        results = []
        for inv in self.scenario.expect.invariants:
            now = await self._read_invariant(inv)
            values = [*self._always.get(inv.name, []), now] if inv.at == "always" else [now]
            results.append(check_invariant(inv, values))
        return results

    async def _sample_always_invariants(self) -> None:
        for inv in self.scenario.expect.invariants:
            if inv.at == "always":
                self._always.setdefault(inv.name, []).append(await self._read_invariant(inv))

    async def _read_invariant(self, inv: Any) -> float | None:
        value = await self._read_raw_invariant(inv)
        if getattr(inv, "measure", "value") != "change":
            return value
        before = self._before_inject.get(inv.name)
        return None if value is None or before is None else value - before

    async def _read_raw_invariant(self, inv: Any) -> float | None:
        result = await self.observer.invariant(inv)
        value = getattr(result, "value", result)
        return float(value) if isinstance(value, int | float) else None

    # -- abnormal ends ----------------------------------------------------------------------

    async def _interrupted(self) -> Outcome:
        reverted = await asyncio.shield(self.faults.revert("signal"))
        if not reverted:
            return Outcome(
                ExitCode.REVERT_FAILED, "revert-failed", "interrupted, and a revert failed"
            )
        return Outcome(ExitCode.ABORTED, "aborted", "interrupted (SIGINT/SIGTERM); faults reverted")

    async def _crashed(self, exc: Exception) -> Outcome:
        detail = "".join(traceback.format_exception(exc))
        reason = f"{type(exc).__name__}: {exc}"
        self.journal.append(Guardrail(name="internal-error", reason=reason))
        (self.journal.path.parent / "crash.log").write_text(detail, encoding="utf-8")
        reverted = await self.faults.revert("engine")
        if not reverted:
            return Outcome(
                ExitCode.REVERT_FAILED,
                "revert-failed",
                f"internal error ({exc}), and a revert failed",
            )
        return Outcome(
            ExitCode.ABORTED,
            "aborted",
            f"internal error: {type(exc).__name__}: {exc}; faults reverted",
        )

    async def _failed(self, exc: DrillError) -> Outcome:
        reverted = await self.faults.revert("engine")
        if not reverted or exc.exit_code == ExitCode.REVERT_FAILED:
            return Outcome(ExitCode.REVERT_FAILED, "revert-failed", str(exc))
        result = {ExitCode.ABORTED: "aborted", ExitCode.NOT_STEADY: "not-steady"}.get(
            exc.exit_code, "invalid"
        )
        return Outcome(int(exc.exit_code), result, str(exc))


def _traffic_words(totals: dict[str, Any]) -> str:
    sent, ok, errors = totals.get("sent", 0), totals.get("ok", 0), totals.get("errors", 0)
    return f"drillctl traffic: {sent} sent, {ok} ok, {errors} errors"
