"""The Observer: reads every signal, detects symptom and recovery, tracks alerts, gathers evidence.

The engine drives it; it never raises for a source failure (a source that errors or times out is
journalled ``source.unavailable`` with the reason, retried with exponential backoff, and
``source.available`` when it answers again). Build it with ``build_sources`` (observe/factory.py).

    observer = Observer(scenario, sources, journal, clock, poll_interval=1.0)
    problems = await observer.preflight()            # before anything is injected; [] = go
    report = await observer.collect_baseline(scenario.baseline)
    if report.not_steady: ...                        # exit 5, nothing injected
    ... inject ...
    while ...:                                       # or: await observer.run_for(duration, stop)
        await observer.poll_once()                   # journals sample/symptom/recovered/alert
        await clock.sleep(observer.poll_interval)
    observer.first_symptom_at(); observer.symptomatic(); observer.all_recovered(); ...
    await observer.gather_evidence(start, end)       # journals `evidence`: logs, traces, dashboards
    await observer.dashboard_links(start, end)       # {title: deep link} for run.started/reports
    await observer.annotate("drill d-42: inject", at) # Grafana annotation (needs a token)
    await observer.invariant(inv)                    # Expect.invariants -> InvariantResult
    await observer.aclose()

State queries are cheap and synchronous; detection happens inside ``poll_once``. Only ``primary``
signals time detection and recovery and judge steadiness; the others are watched and journalled
all the same (``symptomatic()`` lists both), unless their rule means nothing against their
baseline (observe/steady.py). Journal events: core/events/.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from drillctl.core import events as ev
from drillctl.core.clock import Clock
from drillctl.core.errors import SourceUnavailable
from drillctl.core.journal import Journal
from drillctl.observe import base, evidence
from drillctl.observe.alerts import AlertSeen, AlertTracker
from drillctl.observe.base import AlertSource, Evidence, Sample, Source
from drillctl.observe.detect import Detector
from drillctl.observe.health import SourceHealth, shielded
from drillctl.observe.invariants import InvariantResult, check_invariant
from drillctl.observe.marks import journal_alert, journal_mark
from drillctl.observe.preflight import preflight_problems
from drillctl.observe.steady import BaselineReport, judge_baselines
from drillctl.observe.views import SignalView, required_sources, view_state
from drillctl.scenario.model import Invariant, ScenarioBase, Signal

__all__ = ["BaselineReport", "Observer", "SignalView", "required_sources"]

ALERT_SOURCES = ("prometheus", "alertmanager")


class Observer:
    def __init__(
        self,
        scenario: ScenarioBase,
        sources: Mapping[str, Source],
        journal: Journal,
        clock: Clock,
        *,
        poll_interval: float = 1.0,
        read_timeout: float = 10.0,
        max_backoff: float = 30.0,
    ) -> None:
        self.scenario = scenario
        self.sources = dict(sources)
        self.journal = journal
        self.clock = clock
        self.poll_interval = poll_interval
        self.read_timeout = read_timeout
        self.health = SourceHealth(journal, clock, base=poll_interval, cap=max_backoff)
        self.alerts = AlertTracker()
        # whether the drill's own Alertmanager silence holds an alert with these labels
        self.silenced: Callable[[dict[str, str]], bool] = lambda _labels: False
        self.views = {s.name: SignalView(s) for s in scenario.signals}
        self.detectors: dict[str, Detector] = {}

    # -- preflight and baseline -------------------------------------------------------------

    def required_sources(self) -> set[str]:
        """Sources the scenario's signals or expect use: a drill cannot run without them."""
        return required_sources(self.scenario)

    async def preflight(self) -> list[str]:
        """Problems that must stop a drill before injection (observe/preflight.py); [] = go."""
        return await preflight_problems(
            self.scenario, self.sources, self._read, self.clock.now(), self.read_timeout
        )

    async def collect_baseline(self, duration: timedelta) -> BaselineReport:
        """Poll for ``duration``; journal a ``baseline`` per signal; say if already symptomatic."""
        samples: dict[str, list[tuple[datetime, float | None]]] = {
            s.name: [] for s in self.scenario.signals
        }
        end = self.clock.monotonic() + duration.total_seconds()
        while True:
            started = self.clock.monotonic()
            for sample in await self._poll_signals_and_alerts():
                samples[sample.signal].append((sample.at, sample.value))
            if self.clock.monotonic() >= end:
                break
            pause = self.poll_interval - (self.clock.monotonic() - started)
            await self.clock.sleep(max(0.0, min(pause, end - self.clock.monotonic())))
        return self._set_baselines(samples)

    def _set_baselines(
        self, samples: dict[str, list[tuple[datetime, float | None]]]
    ) -> BaselineReport:
        report, self.detectors = judge_baselines(self.scenario.signals, samples, self.journal)
        for name, view in self.views.items():
            view.baseline = report.baselines[name]
            view.not_watched = name not in self.detectors
        report.firing.extend(self.alerts.firing())
        return report

    # -- polling -----------------------------------------------------------------------------

    async def poll_once(self) -> list[Sample]:
        """Read every signal and alert source once; journal samples and transitions. Never raises
        for a source failure."""
        samples = await self._poll_signals_and_alerts()
        for sample in samples:
            self._detect(sample)
        return samples

    async def run_for(self, duration: timedelta, stop: Callable[[], bool] | None = None) -> None:
        """Poll every ``poll_interval`` for ``duration`` or until ``stop()`` is true."""
        end = self.clock.monotonic() + duration.total_seconds()
        while self.clock.monotonic() < end and not (stop and stop()):
            started = self.clock.monotonic()
            await self.poll_once()
            pause = self.poll_interval - (self.clock.monotonic() - started)
            await self.clock.sleep(max(0.0, min(pause, end - self.clock.monotonic())))

    async def _poll_signals_and_alerts(self) -> list[Sample]:
        at = self.clock.now()
        self.health.new_round()
        reads = [self._sample(signal, at) for signal in self.scenario.signals]
        alerts = [self._poll_alerts(name) for name in ALERT_SOURCES if name in self.sources]
        results = await asyncio.gather(*reads, *alerts)
        samples = [r for r in results[: len(reads)] if r is not None]
        for sample in samples:
            view = self.views[sample.signal]
            view.value, view.at = sample.value, sample.at
            view.history = [*view.history[-59:], sample.value]
            self.journal.append(
                ev.Sample(signal=sample.signal, value=sample.value, at=sample.at.isoformat())
            )
        return samples

    async def _sample(self, signal: Signal, at: datetime) -> Sample | None:
        view = self.views[signal.name]
        key = self.health.key(signal.source, signal.name)
        if signal.source not in self.sources:
            view.available = False
            self.health.missing(signal.source)
            return None
        if not self.health.due(key):
            return None
        try:
            value = await self._read(signal, at)
        except (SourceUnavailable, TimeoutError) as exc:
            view.available = False
            self.health.failed(key, _unavailable(signal.source, exc), signal=signal.name)
            return None
        view.available = True
        self.health.succeeded(key)
        return Sample(signal.name, at, value)

    async def _read(self, signal: Signal, at: datetime) -> float | None:
        value = await shielded(
            signal.source,
            asyncio.wait_for(self.sources[signal.source].read(signal, at), self.read_timeout),
        )
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise SourceUnavailable(signal.source, f"read a {type(value).__name__}, not a number")
        return value

    async def _poll_alerts(self, name: str) -> None:
        source = self.sources[name]
        key = self.health.key(name)
        if not isinstance(source, AlertSource) or not self.health.due(key):
            return
        try:
            alerts = await shielded(
                name, asyncio.wait_for(source.active_alerts(), self.read_timeout)
            )
        except (SourceUnavailable, TimeoutError) as exc:
            self.health.failed(key, _unavailable(name, exc))
            return
        self.health.succeeded(key)
        for change in self.alerts.feed(name, alerts, self.clock.now()):
            journal_alert(self.journal, change, silenced=self.silenced(change.alert.labels))

    def _detect(self, sample: Sample) -> None:
        view = self.views[sample.signal]
        detector = self.detectors.get(sample.signal)
        if detector is None:
            return
        mark = detector.feed(sample.at, sample.value)
        view.state = view_state(detector)
        if mark is not None:
            journal_mark(self.journal, view.signal, detector.baseline, mark)

    # -- state queries ---------------------------------------------------------------------------

    def _primary(self) -> list[Detector]:
        return [
            self.detectors[s.name]
            for s in self.scenario.signals
            if s.primary and s.name in self.detectors
        ]

    def symptomatic(self) -> list[str]:
        """Names of the signals symptomatic now (all signals, primary or not)."""
        return [name for name, d in self.detectors.items() if d.state == "symptomatic"]

    def first_symptom_at(self) -> datetime | None:
        """The detect mark (``detected_at``) of the earliest symptom of a primary signal."""
        onsets = [
            m.detected_at or m.confirmed_at
            for d in self._primary()
            for m in d.marks
            if m.kind == "symptom"
        ]
        return min(onsets, default=None)

    def ever_symptomatic(self) -> bool:
        return self.first_symptom_at() is not None

    def all_recovered(self) -> bool:
        """Every primary signal that went symptomatic is back to normal (True if none did)."""
        return all(d.state == "normal" for d in self._primary())

    def recovered_at(self) -> datetime | None:
        """When the last primary signal recovered (first normal sample); None until all have."""
        if not self.ever_symptomatic() or not self.all_recovered():
            return None
        ends = [
            d.marks[-1].first_at
            for d in self._primary()
            if d.marks and d.marks[-1].kind == "recovered"
        ]
        return max(ends, default=None)

    def alerts_seen(self) -> dict[str, AlertSeen]:
        return dict(self.alerts.seen)

    def firing_alerts(self) -> list[str]:
        return self.alerts.firing()

    def unavailable_sources(self) -> dict[str, str]:
        return self.health.down()

    # -- evidence, invariants, annotations --------------------------------------------------

    async def gather_evidence(self, start: datetime, end: datetime) -> list[Evidence]:
        """Run the scenario's evidence queries, link its dashboards; journal each ``evidence``."""
        return await evidence.gather(
            self.scenario, self.sources, self.journal, start, end, timeout=self.read_timeout * 3
        )

    async def dashboard_links(self, start: datetime, end: datetime) -> dict[str, str]:
        """Deep links to the scenario's dashboards for the window (±5 min), by title; {} without
        Grafana, and titles Grafana does not have are left out (``gather_evidence`` names them)."""
        grafana = self.sources.get("grafana")
        if not isinstance(grafana, base.DashboardLinks):
            return {}
        try:
            links = await grafana.links(list(self.scenario.dashboards), start, end)
        except SourceUnavailable as exc:
            self.journal.append(ev.SourceUnavailable(source="grafana", reason=exc.reason))
            return {}
        return {title: url for title, url in links.items() if url}

    async def invariant(self, inv: Invariant) -> InvariantResult:
        """Read an invariant's value now and compare (equals/above/below); never raises."""
        return await check_invariant(inv, self.sources, self.clock.now(), timeout=self.read_timeout)

    async def annotate(
        self, text: str, at: datetime, *, end: datetime | None = None, tags: list[str] | None = None
    ) -> None:
        """Grafana annotation of a drill phase on each dashboard; a no-op without a token."""
        await evidence.annotate(
            self.scenario, self.sources, self.journal, text, at, end=end, tags=tags
        )

    async def aclose(self) -> None:
        for source in self.sources.values():
            closer = getattr(source, "aclose", None)
            if closer is not None:
                await closer()


def _unavailable(source: str, exc: SourceUnavailable | TimeoutError) -> SourceUnavailable:
    if isinstance(exc, SourceUnavailable):
        return exc
    return SourceUnavailable(source, "no answer in time")
