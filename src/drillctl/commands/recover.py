"""``drillctl recover``: revert what interrupted drills left in place, as result objects.

``find_left(context=...)`` lists the runs whose journal has faults injected and not reverted (a
``RecoverPlan``); ``recover(context=..., plan=..., revert=...)`` reverts them through the engine's
one revert path (``drillctl.engine.recover``, journalled ``by: recover``) and always expires the
Alertmanager silences killed drills left active, so paging comes back. ``--format json`` prints
the ``RecoverReport`` envelope: ``{"schema_version": 1, "kind": "drillctl.recover", "state_dir",
"runs": [{"run_id", "project", "started", "faults", "reverted", "failures"}], "reverted_faults",
"failed_reverts", "silences"}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drillctl.core.envelope import envelope

if TYPE_CHECKING:
    from drillctl.context import Context
    from drillctl.engine.recover import PendingFault, UnrecoveredRun
    from drillctl.engine.rollback import RevertFailure

KIND = "recover"
SCHEMA_VERSION = 1
Say = Callable[[str], None]


@dataclass(frozen=True)
class FaultLeft:
    index: int
    id: str
    type: str
    plan: str  # what was injected, in the plugin's words
    will_revert: str  # what recover does about it
    last_error: str | None  # why an earlier revert failed, if one did


@dataclass(frozen=True)
class RunLeft:
    run_id: str
    project: str
    started: str | None
    faults: list[FaultLeft]  # newest first: the order they are reverted in
    reverted: bool = False  # every fault of the run reverted by this recover
    failures: list[RevertFailure] = field(default_factory=list)


@dataclass(frozen=True)
class RecoverPlan:
    state_dir: Path
    runs: list[RunLeft]
    pending: list[UnrecoveredRun]  # the engine's view of the same runs, for the revert

    @property
    def fault_count(self) -> int:
        return sum(len(r.faults) for r in self.runs)


@dataclass(frozen=True)
class Silences:
    expired: int = 0  # silences killed drills left active, expired now
    failed: int = 0  # could not be expired: they end by themselves at their endsAt


@dataclass(frozen=True)
class RecoverReport:
    state_dir: Path
    runs: list[RunLeft]
    attempted: bool  # False: nothing was left, or the reverts were not confirmed
    silences: Silences

    @property
    def failures(self) -> list[RevertFailure]:
        return [f for r in self.runs for f in r.failures]

    def as_json(self) -> dict[str, Any]:
        reverted = sum(len(r.faults) for r in self.runs if r.reverted)
        return envelope(
            KIND,
            SCHEMA_VERSION,
            state_dir=str(self.state_dir),
            attempted=self.attempted,
            runs=[asdict(r) for r in self.runs],
            reverted_faults=reverted,
            failed_reverts=len(self.failures),
            silences=asdict(self.silences),
        )


def find_left(*, context: Context) -> RecoverPlan:
    """The runs (not live ones) whose journal has a fault injected and not reverted."""
    from drillctl.engine.recover import unrecovered_runs

    pending = unrecovered_runs(context.state_dir)
    fallback = context.settings.project.name or "(configured project)"
    runs = [_run_left(run, fallback) for run in pending]
    return RecoverPlan(context.state_dir, runs, pending)


def recover(*, context: Context, plan: RecoverPlan, revert: bool, say: Say) -> RecoverReport:
    """Revert the plan's faults when ``revert``; expire left silences whatever happens."""
    runs = list(plan.runs)
    try:
        if revert:
            pairs = zip(plan.pending, plan.runs, strict=True)
            runs = [_recover_one(context, pending, run, say) for pending, run in pairs]
    finally:  # paging comes back even when a revert failed: someone must hear of it
        silences = _expire_silences(context, say)
    return RecoverReport(plan.state_dir, runs, revert and bool(runs), silences)


def _run_left(run: UnrecoveredRun, fallback_project: str) -> RunLeft:
    project = str(run.target.get("project") or fallback_project)
    return RunLeft(run.run_id, project, run.started, [_fault_left(f) for f in run.faults])


def _fault_left(fault: PendingFault) -> FaultLeft:
    # the plugin's words, journalled at injection (a 0.1.0 journal falls back to "undo <plan>")
    words = fault.revert
    return FaultLeft(fault.index, fault.id, fault.type_name, fault.plan, words, fault.last_error)


def _recover_one(context: Context, pending: UnrecoveredRun, run: RunLeft, say: Say) -> RunLeft:
    from drillctl.engine.recover import recover_run

    def driver_for(target: dict[str, Any]) -> Any:
        from drillctl.target.factory import build_driver  # docker SDK: only when there is work

        return build_driver(context.settings, clock=context.clock, target=target)

    failures = asyncio.run(
        recover_run(
            pending,
            driver_for,
            state_dir=context.state_dir,
            clock=context.clock,
            redactor=context.redactor,
            say=say,
        )
    )
    _index(context, pending, say)
    return RunLeft(run.run_id, run.project, run.started, run.faults, not failures, failures)


def _index(context: Context, run: UnrecoveredRun, say: Say) -> None:
    """``drillctl history`` lists the run ("aborted, recovered by drillctl recover"); an unusable
    index does not undo a recovery: it is said, and ``history rebuild`` fixes it."""
    from drillctl.core.errors import DrillError
    from drillctl.report.history import index_run

    try:
        index_run(context.history_db, run.run_dir)
    except DrillError as exc:
        say(f"warning: the history index was not updated: {exc}")


def _expire_silences(context: Context, say: Say) -> Silences:
    """The Alertmanager silences that killed drills left active (``[drill] silence``)."""
    from drillctl.commands.silence import expire_left, left_silences
    from drillctl.engine.lock import live_run_ids

    runs_dir = context.runs_dir
    live = live_run_ids(context.state_dir)
    dirs = sorted(d for d in runs_dir.iterdir() if d.name not in live) if runs_dir.is_dir() else []
    silences = left_silences(dirs)
    if not silences:
        return Silences()
    failed = asyncio.run(expire_left(silences, context.clock, say))
    return Silences(len(silences) - failed, failed)
