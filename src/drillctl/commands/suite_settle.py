"""The settle period between two drills of a suite: wait until the stack is back before the next
baseline starts, so one drill's tail never reads as the next drill's symptom (exit 5).

Settled means, continuously for ``hold`` seconds:
- every service that was healthy when the suite started is running and healthy again;
- every primary signal of the previous drill is back at that drill's own baseline (within the
  rule's tolerance, or no longer breaking its rule), read through the observer;
- the next drill's primary signals do not break their absolute thresholds (``above``/``below``;
  relative ones need the baseline the next drill is about to take);
- no alert that either drill is about (their ``expect.alerts``) is firing, so a leftover alert can
  neither pass the next drill's expectation nor pollute the history;
- every source those signals read answers.
A sample with no value (a series that does not exist yet) neither blocks nor settles. After
``timeout`` the suite goes on anyway and says what was still moving; the next drill's baseline
then decides (exit 5 when a symptom is still present).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from drillctl.commands.suite_report import Settled
from drillctl.context import Context
from drillctl.core.clock import Clock
from drillctl.core.durations import parse_duration
from drillctl.core.errors import DrillError
from drillctl.core.events import SuiteSettle, SuiteSettled, SuiteWaiting
from drillctl.core.journal import Journal
from drillctl.observe.detect import Baseline, is_normal
from drillctl.observe.factory import open_sources
from drillctl.observe.observer import Observer, required_sources
from drillctl.report.model import DrillSummary
from drillctl.scenario.model import ScenarioBase, SymptomRule
from drillctl.scenario.secrets import resolve_secrets
from drillctl.target.base import TargetDriver, is_up
from drillctl.target.factory import build_driver


@dataclass(frozen=True)
class SignalCheck:
    scenario: str
    name: str
    rule: SymptomRule
    baseline: Baseline | None  # None: the next drill's signal, judged on absolute thresholds

    @property
    def key(self) -> str:
        return f"{self.scenario}/{self.name}"


def checks_after(scenario: ScenarioBase, summary: DrillSummary | None) -> list[SignalCheck]:
    """The previous drill's primary signals against the baseline it measured."""
    measured = {s.name: s for s in summary.signals} if summary is not None else {}
    checks = []
    for signal in scenario.signals:
        seen = measured.get(signal.name)
        if signal.primary and seen is not None and seen.baseline is not None and seen.samples:
            baseline = Baseline(seen.baseline, seen.spread or 0.0, seen.samples)
            checks.append(SignalCheck(scenario.name, signal.name, signal.symptom, baseline))
    return checks


def checks_before(scenario: ScenarioBase) -> list[SignalCheck]:
    """The next drill's primary signals that have an absolute threshold."""
    return [
        SignalCheck(scenario.name, s.name, s.symptom, None)
        for s in scenario.signals
        if s.primary and (s.symptom.above is not None or s.symptom.below is not None)
    ]


def expected_alerts(*scenarios: ScenarioBase | None) -> set[str]:
    return {a.name for s in scenarios if s is not None for a in s.expect.alerts}


def waiting_for(
    checks: Sequence[SignalCheck],
    values: Mapping[str, float | None],
    *,
    firing: Iterable[str] = (),
    awaited_alerts: Iterable[str] = (),
    unhealthy: Iterable[str] = (),
    unavailable: Iterable[str] = (),
) -> list[str]:
    """What is not back yet, in words; ``[]`` means settled (pure)."""
    reasons = [f"service {name} not running and healthy" for name in sorted(unhealthy)]
    reasons += [f"source {name} not answering" for name in sorted(unavailable)]
    for check in checks:
        value = values.get(check.key)
        if value is None:
            continue
        if check.baseline is not None and not is_normal(check.rule, value, check.baseline):
            reasons.append(
                f"{check.key} = {value:g}, not back at its baseline {check.baseline.centre:g}"
            )
        elif check.baseline is None and _absolute_breaks(check.rule, value):
            reasons.append(f"{check.key} = {value:g} breaks its threshold")
    reasons += [f"alert {name} firing" for name in sorted(set(firing) & set(awaited_alerts))]
    return reasons


def _absolute_breaks(rule: SymptomRule, value: float) -> bool:
    return (rule.above is not None and value > rule.above) or (
        rule.below is not None and value < rule.below
    )


@dataclass
class SettlePlan:
    before: str
    observers: list[Observer]
    checks: list[SignalCheck]
    awaited_alerts: set[str]
    sources: set[str]  # sources the checks read: each must answer
    unhealthy: Callable[[], Iterable[str]]  # blocking (Docker): run in a thread
    timeout: float
    hold: float
    poll: float = 2.0
    on_change: Callable[[list[str]], object] | None = None  # what still moves, when it changes


async def settle(plan: SettlePlan, clock: Clock) -> Settled:
    """Poll until ``waiting_for`` has been empty for ``plan.hold`` seconds, or ``plan.timeout``."""
    start = clock.monotonic()
    calm_since: float | None = None
    reasons: list[str] = []
    previous: list[str] | None = None
    while True:
        values: dict[str, float | None] = {}
        for observer in plan.observers:
            for sample in await observer.poll_once():
                values[f"{observer.scenario.name}/{sample.signal}"] = sample.value
        unhealthy = await asyncio.to_thread(lambda: list(plan.unhealthy()))
        firing = {name for o in plan.observers for name in o.firing_alerts()}
        down = {name.split("/", 1)[0] for o in plan.observers for name in o.unavailable_sources()}
        reasons = waiting_for(
            plan.checks,
            values,
            firing=firing,
            awaited_alerts=plan.awaited_alerts,
            unhealthy=unhealthy,
            unavailable=down & plan.sources,
        )
        if plan.on_change is not None and reasons != previous:
            plan.on_change(reasons)
        previous = reasons
        now = clock.monotonic()
        calm_since = (calm_since or now) if not reasons else None
        if calm_since is not None and now - calm_since >= plan.hold:
            return Settled(plan.before, round(now - start, 1), True)
        if now - start >= plan.timeout:
            return Settled(plan.before, round(now - start, 1), False, reasons)
        await clock.sleep(plan.poll)


# --- settling through the observer and the driver --------------------------------------------


class ObserverSettler:
    """The real ``Settler``: the observer's sources and the driver's health, journalled to
    ``journal_path`` (one file for the whole suite)."""

    def __init__(self, context: Context, journal_path: Path, timeout: float) -> None:
        self.context = context
        self.journal_path = journal_path
        self.timeout = timeout
        self.driver: TargetDriver = build_driver(context.settings, clock=context.clock)
        self.healthy = healthy_services(self.driver)

    def __call__(
        self,
        before: ScenarioBase | None,
        summary: DrillSummary | None,
        scenario: ScenarioBase,
        hold: float,
    ) -> Settled:
        try:
            return asyncio.run(self._settle(before, summary, scenario, hold))
        except DrillError as exc:
            return Settled(scenario.name, 0.0, False, [str(exc)])

    async def _settle(
        self,
        before: ScenarioBase | None,
        summary: DrillSummary | None,
        scenario: ScenarioBase,
        hold: float,
    ) -> Settled:
        env, redactor = os.environ, self.context.redactor
        chosen = [resolve_secrets(s, env, redactor) for s in (before, scenario) if s is not None]
        poll = parse_duration(self.context.settings.drill.poll_interval).total_seconds()
        with Journal(self.journal_path, clock=self.context.clock, redactor=redactor) as journal:
            journal.append(SuiteSettle(before=scenario.name, hold_s=hold))
            async with open_sources(self.context.settings.sources, driver=self.driver) as sources:
                observers = [
                    Observer(s, sources, journal, self.context.clock, poll_interval=poll)
                    for s in chosen
                ]
                checks = checks_before(chosen[-1])
                if before is not None:
                    checks = checks_after(chosen[0], summary) + checks
                plan = SettlePlan(
                    before=scenario.name,
                    observers=observers,
                    checks=checks,
                    awaited_alerts=expected_alerts(before, scenario),
                    sources={src for s in chosen for src in required_sources(s)},
                    unhealthy=lambda: [s for s in self.healthy if not is_up(self.driver.state(s))],
                    timeout=self.timeout,
                    hold=hold,
                    poll=max(poll, 2.0),
                    on_change=lambda reasons: journal.append(SuiteWaiting(reasons=reasons)),
                )
                settled = await settle(plan, self.context.clock)
            journal.append(SuiteSettled(**vars(settled)))
        return settled


def healthy_services(driver: TargetDriver) -> list[str]:
    """The services running and healthy now: the suite waits for them between drills."""
    return [s for s in driver.services() if is_up(driver.state(s))]
