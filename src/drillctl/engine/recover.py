"""After a hard kill: find the runs whose journal has injected-but-not-reverted faults, revert them.

A fault is pending when its ``fault.inject-started`` has no later ``fault.reverted`` (a
``revert-failed`` leaves it pending: recover tries again). Its undo and result come from the
journal, its behaviour from the registry, its target from the run's ``run.started``; it is
reverted through the same ``FaultStack`` as a live drill, journalled ``by: recover`` in the run's
own journal. Runs whose drill is still alive (their project lock is held) are left alone. A run
that never ended (its process was killed) then ends ``aborted`` with ``recovered_by: drillctl
recover``, which ``drillctl history`` shows as "aborted, recovered by drillctl recover".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drillctl.core.clock import Clock, SystemClock
from drillctl.core.errors import ExitCode, UnrecoveredRunError
from drillctl.core.events import (
    FaultInjected,
    FaultInjectStarted,
    FaultReverted,
    FaultRevertFailed,
    JournalEvent,
    RunEnded,
    RunResult,
    RunStarted,
    first_of,
    type_of,
)
from drillctl.core.journal import JOURNAL_NAME, Journal, read_events
from drillctl.core.redact import Redactor
from drillctl.engine.lock import ProjectLock, live_run_ids
from drillctl.engine.rollback import FaultStack, Injected, RevertFailure
from drillctl.faults._aio import blocking
from drillctl.faults._netns import sweep_run
from drillctl.faults.base import FaultEnv, FaultPlan
from drillctl.faults.registry import plugin_class
from drillctl.target.base import TargetDriver

RUNS_DIR = "runs"


@dataclass(frozen=True)
class PendingFault:
    index: int
    id: str
    type_name: str
    plan: str
    undo: dict[str, Any]
    result: dict[str, Any]
    last_error: str | None  # from an earlier revert-failed, if any
    revert: str = ""  # the plugin's words for the revert, from the journal


@dataclass(frozen=True)
class UnrecoveredRun:
    run_id: str
    run_dir: Path
    started: str | None  # ISO time of the first event
    target: dict[str, Any]  # run.started's target{driver,project,project_dir,files}
    faults: list[PendingFault]  # newest first: the order they are reverted in
    ended: bool  # whether the journal has run.ended (the drill ended, a revert had failed)


def pending_faults(events: Iterable[JournalEvent]) -> list[PendingFault]:
    """The faults injected (or half-injected) and not reverted, newest first. Pure."""
    started: dict[int, FaultInjectStarted] = {}
    results: dict[int, dict[str, Any]] = {}
    errors: dict[int, str] = {}
    for event in events:
        if isinstance(event, FaultInjectStarted):
            started[event.fault] = event
        elif isinstance(event, FaultInjected):
            results[event.fault] = dict(event.result)
        elif isinstance(event, FaultRevertFailed):
            errors[event.fault] = event.error
        elif isinstance(event, FaultReverted):
            started.pop(event.fault, None)
    return [
        PendingFault(
            i,
            e.id or e.fault_type,
            e.fault_type,
            e.plan,
            dict(e.undo),
            results.get(i, {}),
            errors.get(i),
            e.revert_words,
        )
        for i, e in sorted(started.items(), reverse=True)
    ]


def read_run(run_dir: Path) -> UnrecoveredRun | None:
    path = run_dir / JOURNAL_NAME
    if not path.is_file() or _clean_at_a_glance(path):
        return None
    events = read_events(path)
    faults = pending_faults(events)
    if not faults:
        return None
    start = first_of(events, RunStarted)
    target = dict(start.target) if start else {}
    first = events[0].ts.isoformat() if events else None
    ended = first_of(events, RunEnded) is not None
    return UnrecoveredRun(run_dir.name, run_dir, first, target, faults, ended)


def _clean_at_a_glance(path: Path) -> bool:
    """Every injection has its revert: no need to parse a long journal (``run`` checks them all)."""
    text = path.read_bytes()
    injected, reverted = (
        f'"type":"{type_of(m)}"'.encode() for m in (FaultInjectStarted, FaultReverted)
    )
    return text.count(injected) <= text.count(reverted)


def unrecovered_runs(state_dir: Path) -> list[UnrecoveredRun]:
    """Runs under ``<state_dir>/runs`` left with faults in place, oldest first; not live ones."""
    runs_dir = state_dir / RUNS_DIR
    if not runs_dir.is_dir():
        return []
    live = live_run_ids(state_dir)
    found = [read_run(d) for d in sorted(runs_dir.iterdir()) if d.is_dir() and d.name not in live]
    return sorted((r for r in found if r), key=lambda r: r.started or "")


def refuse_if_unrecovered(state_dir: Path) -> None:
    """What ``drillctl run`` calls first: ``UnrecoveredRunError`` (exit 2) if a run is left."""
    runs = unrecovered_runs(state_dir)
    if not runs:
        return
    listed = "; ".join(
        f"{r.run_id} ({', '.join(f.plan or f.type_name for f in r.faults)})" for r in runs
    )
    raise UnrecoveredRunError(
        f"a previous drill left faults in place: {listed}",
        hint=f"run `drillctl recover` first (state dir {state_dir}); it shows what it will revert",
    )


DriverFor = Callable[[dict[str, Any]], TargetDriver]


async def recover_run(
    run: UnrecoveredRun,
    driver_for: DriverFor,
    *,
    state_dir: Path,
    clock: Clock | None = None,
    redactor: Redactor | None = None,
    say: Callable[[str], None] = lambda _text: None,
) -> list[RevertFailure]:
    """Revert a run's pending faults (newest first) under the project's lock; journal it."""
    driver = driver_for(run.target)
    project = str(driver.describe().get("project") or run.target.get("project") or "default")
    clock = clock or SystemClock()
    redactor = redactor or Redactor()
    with ProjectLock(state_dir, project, run_id=f"recover:{run.run_id}"):
        env = FaultEnv(target=driver, run_dir=run.run_dir, clock=clock, redactor=redactor)
        with Journal(run.run_dir / JOURNAL_NAME, clock=clock, redactor=redactor) as journal:
            stack = FaultStack(env, journal, say=say, recover_flags=f"--state-dir {state_dir}")
            for fault in reversed(run.faults):  # adopt oldest first: the stack pops newest first
                stack.adopt(_injected(fault))
            failures = await stack.revert_all(by="recover")
            await blocking(sweep_run, driver, run.run_id)  # helpers no fault's undo names
            if not failures and not run.ended:
                journal.append(recovered_end())
    return failures


RECOVERED_BY = "drillctl recover"


def recovered_end() -> RunEnded:
    """The end a killed drill never wrote: aborted, and who put its faults back."""
    reason = "the drill stopped without reverting; drillctl recover reverted its faults"
    return RunEnded(
        exit_code=ExitCode.ABORTED,
        result=RunResult.ABORTED,
        reason=reason,
        recovered_by=RECOVERED_BY,
    )


def _injected(fault: PendingFault) -> Injected:
    service = fault.undo.get("service")
    plan = FaultPlan(
        action=fault.plan,
        targets=[service] if service else [],
        duration=None,
        revert=fault.revert,
    )
    return Injected(
        fault.index,
        fault.id,
        fault.type_name,
        plugin_class(fault.type_name),
        plan,
        fault.undo,
        fault.result,
    )
