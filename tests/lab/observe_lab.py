"""Helpers for the observer's lab tests and bench: settings, sources, faults by hand, polling.

Faults are driven by hand with the docker compose CLI (argv lists), never with drillctl's fault
plugins, so a detection test does not depend on the code it is not testing. The project lock that
drills take is held while a fault is in place, so no drill runs on the lab at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from drillctl.config import Settings, load_settings
from drillctl.context import Context
from drillctl.core.clock import SystemClock
from drillctl.core.errors import LockError
from drillctl.core.journal import Journal, read_events
from drillctl.engine.lock import ProjectLock
from drillctl.lab.stack import LabStack
from drillctl.observe.factory import open_sources
from drillctl.observe.observer import Observer
from drillctl.scenario.catalog import Catalog
from drillctl.scenario.model import ScenarioBase
from drillctl.target.factory import build_driver

REPO = Path(__file__).resolve().parents[2]


def settings(lab: LabStack) -> Settings:
    """drillctl.toml's settings, pointed at this lab's project and ports."""
    e = lab.endpoints
    overrides = {
        "project": {"name": lab.project_name, "dir": lab.project_dir},
        "sources": {"prometheus": e.prometheus_url, "alertmanager": e.alertmanager_url},
    }
    return load_settings(cwd=REPO, env={}, overrides=overrides)


def compose(lab: LabStack, *args: str, timeout: float = 180) -> str:
    done = subprocess.run(
        [*lab.compose_args(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=lab.env,
    )
    if done.returncode:
        raise RuntimeError(f"docker compose {' '.join(args)} failed: {done.stderr[-800:]}")
    return done.stdout


def scenario(name: str) -> ScenarioBase:
    return Catalog(None).load(name).scenario


@contextlib.contextmanager
def drill_lock(lab: LabStack) -> Iterator[None]:
    """Hold the project lock drills take, so no drill runs on the lab while a test breaks it."""
    state_dir = Context(settings=settings(lab)).state_dir
    deadline = time.monotonic() + 600
    while True:
        try:
            lock = ProjectLock(state_dir, lab.project_name, "observer-lab-test").acquire()
            break
        except LockError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)
    try:
        yield
    finally:
        lock.release()


def ensure_smoke(lab: LabStack) -> None:
    compose(lab, "--profile", "smoke", "up", "-d", "--wait", "smoke")


@dataclass
class HandDrill:
    """What happened in one drill by hand, in wall-clock terms."""

    observer: Observer
    journal: Path
    injected_at: datetime  # just before the fault command ran
    inject_returned_at: datetime | None = None  # when the fault command had returned
    reverted_at: datetime | None = None  # when the revert command had returned

    def events(self, type_: str) -> list[dict[str, Any]]:
        return [e.data for e in read_events(self.journal) if e.type == type_]

    def first_symptom_latency(self) -> float:
        onset = self.observer.first_symptom_at()
        assert onset is not None
        return (onset - self.injected_at).total_seconds()

    def earliest_any_signal(self) -> tuple[str, float]:
        """The first signal of any kind (primary or not) to break, and its onset latency."""
        onsets = [
            (d.marks[0].first_at, name) for name, d in self.observer.detectors.items() if d.marks
        ]
        first_at, name = min(onsets)
        return name, (first_at - self.injected_at).total_seconds()


async def poll_until(
    observer: Observer, done: Callable[[], bool], timeout: float, interval: float = 1.0
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        await observer.poll_once()
        if done():
            return True
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
    return False


@contextlib.asynccontextmanager
async def lab_observer(
    lab: LabStack, chosen: ScenarioBase, journal_path: Path, *, interval: float = 1.0
) -> AsyncIterator[Observer]:
    config = settings(lab)
    driver = build_driver(config, env=lab.env)
    async with open_sources(config.sources, driver=driver, env=os.environ) as sources:
        with Journal(journal_path, clock=SystemClock()) as journal:
            yield Observer(chosen, sources, journal, SystemClock(), poll_interval=interval)


async def _timed(action: Awaitable[None], drill: HandDrill, field: str) -> None:
    await action
    setattr(drill, field, SystemClock().now())


def _settled(task: asyncio.Task[None], seen: Callable[[], bool]) -> Callable[[], bool]:
    """Stop polling once the command has returned and the symptom is seen (or it failed)."""
    return lambda: task.done() and (seen() or task.exception() is not None)


async def drill_by_hand(
    lab: LabStack,
    chosen: ScenarioBase,
    journal_path: Path,
    inject: Callable[[], Awaitable[None]],
    revert: Callable[[], Awaitable[None]] | None,
    *,
    baseline: timedelta = timedelta(seconds=15),
    symptom_timeout: float = 90,
    hold: float = 0,
    recovery_timeout: float = 240,
    interval: float = 1.0,
) -> HandDrill:
    """Baseline, inject by hand, poll until the symptom, (hold, ) revert by hand, poll until
    recovered. Assertion errors name what did not happen."""
    async with lab_observer(lab, chosen, journal_path, interval=interval) as observer:
        report = await observer.collect_baseline(baseline)
        assert report.steady, f"lab not steady before the fault: {report.not_steady}"
        drill = HandDrill(observer, journal_path, SystemClock().now())
        # poll while the fault command runs: a stop or a recreate takes seconds, and the first
        # breaching sample may come before the command returns
        injecting = asyncio.create_task(_timed(inject(), drill, "inject_returned_at"))
        try:
            seen = await poll_until(
                observer, _settled(injecting, observer.ever_symptomatic), symptom_timeout, interval
            )
            await injecting
            assert seen, f"no symptom within {symptom_timeout}s: {observer.views}"
            if hold:
                await poll_until(observer, lambda: False, hold, interval)
        finally:
            if revert is not None:
                reverting = asyncio.create_task(_timed(revert(), drill, "reverted_at"))
                await poll_until(observer, reverting.done, recovery_timeout, interval)
                await reverting
        back = await poll_until(observer, observer.all_recovered, recovery_timeout, interval)
        assert back, f"not recovered within {recovery_timeout}s: {observer.symptomatic()}"
        return drill
