"""``drillctl doctor``: can a drill see what it needs? One row per check, rendered by the CLI.

Checks: each configured source (reachable, version; one that does not answer reads
"unavailable: why"), each source drillctl knows that nobody configured ("not configured", never
ok, even when a fallback such as error log lines stands in for Jaeger); the compose project (its
services and how many run); with a scenario, each signal's query (refused is a failure, no data
a warning), the alert rules its ``expect`` names, and each source it needs that nobody
configured; the scenario's dashboards (or the two default ones) by exact title when Grafana is
configured. A row is *required* when the scenario's signals or ``expect`` use its source
(DESIGN.md), or when it is the compose project; ``failed_required`` decides the exit code.

With a scenario, each Prometheus signal's rule is also judged against a baseline measured from
the last ``scenario.baseline`` of history (1 s steps): a rule that cannot mean anything against it
(observe/baseline.py ``rule_problems``: a factor of a zero centre, ``below`` a value never
reached, a relative rule without data) fails here, as it would end the run before injection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from drillctl.core.errors import DrillError, SourceUnavailable
from drillctl.observe.base import QueryError, RangeQueries, RuleHealthSource, Source
from drillctl.observe.baseline import compute_baseline, rule_problems
from drillctl.observe.detect import describe_rule
from drillctl.observe.observer import required_sources
from drillctl.scenario.model import ScenarioBase, Signal
from drillctl.target.base import TargetDriver

Status = Literal["ok", "warn", "fail", "not configured"]
DEFAULT_DASHBOARDS = ["ebit-perf-test", "perf-system"]
PROBES = {"http", "tcp", "redis", "sql"}
# The sources drillctl.toml's [sources] names by URL: each has a row, configured or not.
CONFIGURABLE = frozenset({"alertmanager", "grafana", "jaeger", "loki", "prometheus"})


@dataclass(frozen=True)
class Check:
    component: str  # source name, "compose", "signal", "alert rule", "dashboard"
    item: str
    status: Status
    detail: str
    required: bool


def failed_required(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.required and c.status == "fail"]


class Doctor:
    def __init__(
        self,
        sources: Mapping[str, Source],
        *,
        driver_factory: Callable[[], TargetDriver] | None,
        now: Callable[[], datetime],
        timeout: float = 10.0,
        configured: Collection[str] | None = None,
    ) -> None:
        self.sources = sources
        self.driver_factory = driver_factory
        self.now = now
        self.timeout = timeout
        # which of CONFIGURABLE have a URL; None: every source present was configured
        self.configured = set(sources.keys() if configured is None else configured)

    async def run(self, scenario: ScenarioBase | None) -> list[Check]:
        needed = required_sources(scenario) if scenario else set()
        present = self.sources.keys() - PROBES
        checks = [
            await self.source(name, needed)
            for name in sorted(present)
            if name in self.configured or name not in CONFIGURABLE
        ]
        absent = (CONFIGURABLE - self.configured) | (needed - self.sources.keys())
        checks += [await self.unconfigured(name, needed) for name in sorted(absent)]
        checks.append(await self.compose())
        if scenario is not None:
            checks += [await self.signal(s) for s in scenario.signals]
            checks += await self.rules(scenario)
            checks += await self.alert_rules(scenario)
        checks += await self.dashboards(
            list(scenario.dashboards) if scenario else DEFAULT_DASHBOARDS
        )
        return checks

    async def source(self, name: str, needed: set[str]) -> Check:
        try:
            info = await asyncio.wait_for(self.sources[name].check(), self.timeout)
        except SourceUnavailable as exc:
            return Check(name, "reachable", "fail", f"unavailable: {exc.reason}", name in needed)
        except TimeoutError:
            why = f"unavailable: no answer within {self.timeout:g}s"
            return Check(name, "reachable", "fail", why, name in needed)
        detail = ", ".join(f"{k} {v}" for k, v in info.items() if k != "ready")
        return Check(name, "reachable", "ok", detail, name in needed)

    async def unconfigured(self, name: str, needed: set[str]) -> Check:
        """A source nobody configured: a failure when the scenario needs it and nothing stands
        in; otherwise "not configured", with the fallback that stands in, if any."""
        stand_in = self.sources.get(name)
        if stand_in is None and name in needed:
            return Check(name, "-", "fail", "not configured", True)
        if stand_in is None:
            how = f"set [sources] {name} in drillctl.toml or DRILLCTL_SOURCES_{name.upper()}"
            return Check(name, "-", "not configured", how, False)
        try:
            info = await asyncio.wait_for(stand_in.check(), self.timeout)
        except (SourceUnavailable, TimeoutError):
            info = {}
        detail = str(info.get("fallback") or "a fallback stands in")
        return Check(name, "-", "not configured", detail, name in needed)

    async def compose(self) -> Check:
        if self.driver_factory is None:
            return Check("compose", "project", "fail", "no compose project configured", True)
        try:
            driver = self.driver_factory()
            info = driver.describe()
            services = await asyncio.to_thread(driver.services)
            states = await asyncio.gather(*(asyncio.to_thread(driver.state, s) for s in services))
        except DrillError as exc:
            return Check("compose", "project", "fail", exc.message, True)
        running = [s.service for s in states if s.running]
        detail = f"{info.get('project')}: {len(running)}/{len(services)} services running"
        return Check(
            "compose", str(info.get("project", "?")), "ok" if running else "fail", detail, True
        )

    async def signal(self, signal: Signal) -> Check:
        source = self.sources.get(signal.source)
        item = f"{signal.name} ({signal.source})"
        if source is None:
            return Check("signal", item, "fail", f"source {signal.source} not configured", True)
        try:
            value = await asyncio.wait_for(source.read(signal, self.now()), self.timeout)
        except QueryError as exc:
            return Check("signal", item, "fail", f"query refused: {exc.reason}", True)
        except SourceUnavailable as exc:
            return Check("signal", item, "fail", exc.reason, True)
        except TimeoutError:
            return Check("signal", item, "fail", f"no answer within {self.timeout:g}s", True)
        if value is None:
            return Check("signal", item, "warn", "the query returns no data now", False)
        return Check(
            "signal", item, "ok", f"{value:g}{' ' + signal.unit if signal.unit else ''}", True
        )

    async def rules(self, scenario: ScenarioBase) -> list[Check]:
        """Each Prometheus signal's rule against the baseline its recent history gives."""
        prometheus: Any = self.sources.get("prometheus")
        if not isinstance(prometheus, RangeQueries):
            return []
        end = self.now()
        start = end - scenario.baseline
        checks = []
        for signal in (s for s in scenario.signals if s.source == "prometheus"):
            try:
                series = await prometheus.query_range(
                    signal.query, start, end, timedelta(seconds=1)
                )
            except SourceUnavailable:
                continue  # the signal row above already says why
            baseline = compute_baseline(history(series))
            problems = rule_problems(signal, baseline)
            words = describe_rule(signal.symptom, baseline)
            checks.append(
                Check("rule", signal.name, "fail", "; ".join(problems), True)
                if problems
                else Check("rule", signal.name, "ok", f"{words} (last {scenario.baseline})", True)
            )
        return checks

    async def alert_rules(self, scenario: ScenarioBase) -> list[Check]:
        prometheus: Any = self.sources.get("prometheus")
        names = [a.name for a in scenario.expect.alerts]
        if not names or not isinstance(prometheus, RuleHealthSource):
            return []
        try:
            rules = {r.name: r for r in await prometheus.rule_health() if r.kind == "alerting"}
        except SourceUnavailable as exc:
            return [Check("alert rule", n, "fail", exc.reason, True) for n in names]
        return [_rule_check(name, rules.get(name)) for name in names]

    async def dashboards(self, titles: list[str]) -> list[Check]:
        grafana: Any = self.sources.get("grafana")
        if grafana is None or not titles:
            return []
        checks = []
        for title in titles:
            try:
                found = await grafana.find_dashboard(title)
            except SourceUnavailable as exc:
                checks.append(Check("dashboard", title, "fail", exc.reason, True))
                continue
            detail = f"uid {found.uid}" if found else "no dashboard with this exact title"
            checks.append(Check("dashboard", title, "ok" if found else "fail", detail, True))
        return checks


def history(series: list[Any]) -> list[float | None]:
    """One value per step, summed over the series as the observer sums an instant vector."""
    steps: dict[datetime, float] = {}
    for one in series:
        for at, value in one.points:
            if value is not None:
                steps[at] = steps.get(at, 0.0) + value
    return [steps[at] for at in sorted(steps)]


def _rule_check(name: str, rule: Any) -> Check:
    if rule is None:
        return Check(
            "alert rule", name, "fail", "Prometheus has no alerting rule of this name", True
        )
    if rule.health == "err":
        return Check("alert rule", name, "fail", f"rule errors: {rule.last_error}", True)
    return Check("alert rule", name, "ok", f"group {rule.group}, health {rule.health}", True)
