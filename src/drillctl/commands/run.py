"""One drill, wired from the settings: the real driver, observer, faults, traffic and search.

``run_drill`` is what ``drillctl run`` calls. In order: refuse to start while an earlier run left
faults injected (exit 2: run ``drillctl recover``); take the project's lock (exit 2 if another
drill holds it); resolve the scenario's ``${env:}`` secrets (registered with the redactor first);
run the engine on an event loop (uvloop when installed); then write the reports, index the
history, print the Slack timeline and post it when a webhook is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from drillctl import __version__
from drillctl.commands.finish import Finished, FinishOptions, finish_run
from drillctl.commands.signals import reverting_on_signals
from drillctl.commands.silence import around, silence_hook
from drillctl.context import Context
from drillctl.core.durations import parse_duration
from drillctl.core.errors import DrillError, RevertFailedError
from drillctl.core.events import Event, SourceUnavailable, TrafficStats
from drillctl.core.journal import JOURNAL_NAME
from drillctl.engine.engine import DrillOptions, Engine, LiveJournal, Outcome
from drillctl.engine.lock import ProjectLock
from drillctl.engine.ports import Recurrence, RecurrenceFound
from drillctl.engine.recover import refuse_if_unrecovered
from drillctl.engine.rollback import Interrupts
from drillctl.engine.run_ids import new_run_id, new_seed
from drillctl.engine.scenario_faults import ScenarioFaults
from drillctl.faults.base import FaultEnv
from drillctl.faults.registry import plugin_for
from drillctl.observe.factory import build_sources
from drillctl.observe.observer import Observer
from drillctl.operator import blind as blind_mode
from drillctl.operator import gm_channel
from drillctl.readiness.drill_context import journal_start_context
from drillctl.readiness.recurrence import recall
from drillctl.readiness.recurrence_match import Anchor, project_path, recurrence_item
from drillctl.scenario.model import ScenarioBase
from drillctl.scenario.secrets import resolve_secrets
from drillctl.target.base import TargetDriver
from drillctl.target.events import follow_container_events, journal_event
from drillctl.target.factory import build_driver
from drillctl.traffic.generator import TrafficGenerator, new_event_loop


@dataclass
class RunRequest:
    scenario: ScenarioBase
    scenario_file: str
    interactive: bool
    operator: str
    max_duration: timedelta
    slack_webhook: str | None = None
    key_fd: int = 0
    blind: blind_mode.BlindPick | None = None  # a blind drill: hide the scenario until the end
    seed: int | None = None
    progress: Callable[[Event], None] | None = None  # called with each journalled event


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    outcome: Outcome
    finished: Finished


def run_drill(
    context: Context, request: RunRequest, env: Mapping[str, str] | None = None
) -> RunResult:
    env = os.environ if env is None else env
    refuse_if_unrecovered(context.state_dir)
    driver = build_driver(context.settings, env=env, clock=context.clock)
    project = str(driver.describe().get("project") or "default")
    run_id = new_run_id(
        blind_mode.RUN_ID_WORD if request.blind else request.scenario.name, context.clock.now()
    )
    with ProjectLock(context.state_dir, project, run_id):
        scenario = resolve_secrets(request.scenario, env, context.redactor)
        run_dir = context.runs_dir / run_id
        with asyncio.Runner(loop_factory=new_event_loop) as runner:
            outcome = runner.run(_drive(context, request, scenario, driver, run_dir, run_id))
    finished = finish_run(
        run_dir, _finish_options(context, request), context.console, context.redactor
    )
    return RunResult(run_id, run_dir, outcome, finished)


def _finish_options(context: Context, request: RunRequest) -> FinishOptions:
    sources = context.settings.sources
    return FinishOptions(
        history_db=context.history_db,
        slack_webhook=request.slack_webhook or context.settings.notify.slack_webhook,
        grafana_public=sources.grafana_public_url or sources.grafana,
    )


async def _drive(
    context: Context,
    request: RunRequest,
    scenario: ScenarioBase,
    driver: TargetDriver,
    run_dir: Path,
    run_id: str,
) -> Outcome:
    clock, redactor = context.clock, context.redactor
    journal = blind_mode.open_journal(
        run_dir, JOURNAL_NAME, request.blind, clock=clock, redactor=redactor
    )
    if request.progress is not None:
        journal.observers.append(request.progress)
    env = FaultEnv(target=driver, run_dir=run_dir, clock=clock, redactor=redactor)
    poll = parse_duration(context.settings.drill.poll_interval).total_seconds()
    services = await asyncio.to_thread(_inventory, driver)

    def sink(event: Any) -> None:
        journal.append(journal_event(event))

    outcome: Outcome | None = None
    interrupts = Interrupts()  # shared by this command's signal handler and the fault stack
    plugins = [plugin_for(p) for p in getattr(scenario, "faults", [])]
    faults = ScenarioFaults(env, journal, plugins, interrupts=interrupts)
    try:
        with reverting_on_signals(interrupts, lambda: len(faults.stack.active)):
            async with httpx.AsyncClient() as client, faults:
                sources = build_sources(context.settings.sources, client=client, driver=driver)
                observer = Observer(scenario, sources, journal, clock, poll_interval=poll)
                engine = Engine(
                    scenario,
                    _options(context, request, driver, run_id, poll, services),
                    journal=journal,
                    clock=clock,
                    observer=observer,
                    faults=faults,
                    traffic=_traffic(scenario, journal, request),
                    profile=around(
                        _profile(scenario, driver),
                        silence_hook(
                            context.settings, _window(request), run_id, client, journal, observer
                        ),
                    ),
                    recurrence=_recurrence(context),
                    on_start=partial(
                        journal_start_context,
                        journal.append,
                        scenario,
                        context.settings.readiness,
                        runs_dir=context.runs_dir,
                        run_id=run_id,
                        services=services,
                    ),
                )
                outcome = await _run_engine(engine, context, request, driver, sink)
    except RevertFailedError as exc:  # the stack re-raises what the engine already journalled
        if outcome is None:
            raise
        del exc
    finally:
        journal.close()
    assert outcome is not None  # every other way out of the block raised
    return outcome


async def _run_engine(
    engine: Engine,
    context: Context,
    request: RunRequest,
    driver: TargetDriver,
    sink: Callable[[Any], None],
) -> Outcome:
    """The engine (with the panel and keys when interactive) while container events are followed."""
    events = asyncio.ensure_future(_follow_or_say_why(driver, engine, sink))
    gm = gm_channel.following(engine, engine.journal.path.parent) if request.blind else None
    try:
        async with gm or contextlib.nullcontext():  # a blind drill follows the game master
            if request.interactive:
                from drillctl.operator.interactive import run_interactive

                return await run_interactive(engine, context.console, request.key_fd)
            return await engine.run()
    finally:
        events.cancel()
        with contextlib.suppress(BaseException):
            await events


async def _follow_or_say_why(
    driver: TargetDriver, engine: Engine, sink: Callable[[Any], None]
) -> None:
    """Follow container events for the drill; when Docker cannot give them, the journal says so
    (a timeline without container events would otherwise read as "nothing happened")."""
    try:
        await follow_container_events(driver, engine.clock.now(), sink)
    except Exception as exc:  # any failure of the event stream: the drill goes on without it
        reason = f"container events are not followed: {exc}"
        engine.journal.append(SourceUnavailable(source="docker-events", reason=reason))


def _inventory(driver: TargetDriver) -> list[dict[str, object]]:
    """What each service runs at the start (journalled with the target); never stops a drill."""
    try:
        return driver.inventory()
    except DrillError as exc:
        return [{"error": str(exc)}]


def _options(
    context: Context,
    request: RunRequest,
    driver: TargetDriver,
    run_id: str,
    poll: float,
    services: list[dict[str, object]],
) -> DrillOptions:
    return DrillOptions(
        run_id=run_id,
        mode="interactive" if request.interactive else "unattended",
        operator=request.operator,
        max_duration=request.max_duration,
        poll_interval=poll,
        seed=new_seed() if request.seed is None else request.seed,
        scenario_file=request.scenario_file,
        target={**driver.describe(), "services": services},
        version=__version__,
    )


def _traffic(
    scenario: ScenarioBase, journal: LiveJournal, request: RunRequest
) -> TrafficGenerator | None:
    traffic = scenario.traffic
    if traffic is None or not (traffic.http or traffic.socketio):
        return None

    def sink(window: dict[str, Any]) -> None:
        journal.append(TrafficStats(**window))

    bound = (request.max_duration + scenario.baseline + timedelta(minutes=5)).total_seconds()
    return TrafficGenerator(traffic, sink, max_seconds=bound)


def _window(request: RunRequest) -> timedelta:
    """The longest a drill can take: its silence ends by then even if nothing expires it."""
    return request.max_duration + request.scenario.baseline + timedelta(minutes=10)


def _profile(scenario: ScenarioBase, driver: TargetDriver) -> Callable[[], Any] | None:
    profile = scenario.traffic.profile if scenario.traffic else None
    if not profile:
        return None

    @contextlib.asynccontextmanager
    async def enabled() -> AsyncIterator[list[str]]:
        running, wanted = await asyncio.to_thread(_running_in_profile, driver, profile)
        if running is not None and wanted and wanted <= running:
            yield []  # already up: `compose up` again would recreate services for nothing
            return
        started = await asyncio.to_thread(driver.enable_profile, profile)
        mine = [s for s in started if running is not None and s not in running]
        try:
            yield started
        finally:
            if mine:  # only what this drill started: a profile someone else runs stays up
                await asyncio.to_thread(driver.disable_profile, profile, mine)

    return enabled


def _running_in_profile(driver: TargetDriver, profile: str) -> tuple[set[str] | None, set[str]]:
    """(services of the profile already running, all its services); None: the driver cannot
    tell, so nothing will be stopped afterwards."""
    names = driver.profile_services(profile)
    if names is None:
        return None, set()
    return {n for n in names if driver.state(n).running > 0}, names


def _recurrence(context: Context) -> Recurrence | None:
    runbooks = context.settings.drill.runbooks_dir
    if runbooks is None or not runbooks.is_dir():
        return None

    def find(text: str, anchors: Sequence[tuple[str, str]]) -> RecurrenceFound:
        found = recall(
            text,
            runbooks,
            context.history_db,
            3,
            anchors=tuple(Anchor(kind, name) for kind, name in anchors),  # type: ignore[arg-type]
            runs_dir=context.runs_dir,
            marks=("", ""),
        )
        return RecurrenceFound(
            runbooks=[
                recurrence_item(m, "path", project_path(m.path_or_run)) for m in found.runbooks
            ],
            runs=[recurrence_item(m, "run", m.path_or_run) for m in found.runs],
        )

    return find
