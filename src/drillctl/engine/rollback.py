"""Guaranteed rollback: every injected fault is paired with its undo and unwound last-in-first-out.

``FaultStack`` is an async context manager that the engine wraps around the inject → observe →
revert part of a drill::

    async with FaultStack(env, journal) as stack:
        await stack.inject(plugin_for(params), index=0)  # journals inject-started + undo first
        await observe(...)                                # Ctrl-C or SIGTERM lands here
        await stack.revert(0, by="responder")             # optional: revert one fault early
    # on leaving, by any path, what is still injected is reverted, newest first

- ``fault.inject-started`` (with the plugin's undo) is journalled *before* the plugin acts, and the
  fault joins the stack at once: a fault whose injection failed half-way is reverted too, and one
  whose injection never began is never touched.
- Signals are the business of the command that owns the process (``commands/signals.py``): its
  handler cancels the task that opened the stack, the block unwinds and every fault is reverted
  ``by: signal``. The handler and the stack share an ``Interrupts``: a revert cut by a second
  Ctrl-C (which also kills the ``docker compose`` the revert runs) is tried again.
- A revert that fails is journalled as ``fault.revert-failed`` with the state the stack is left in
  and what to run; the other reverts are still tried, then ``RevertFailedError`` (exit 4) is raised.

Every revert, whoever asks (the engine when a fault's time is up, the responder, a guardrail, the
game master, a signal, ``drillctl recover``), goes through ``FaultStack.revert``/``revert_all`` and
is journalled the same way: ``fault.revert-started`` with ``by``, then ``fault.reverted`` or
``fault.revert-failed``. ``engine/scenario_faults.py`` adapts a stack to the engine's port.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from drillctl.core.errors import DrillError, RevertFailedError
from drillctl.core.events import (
    FaultInjected,
    FaultInjectFailed,
    FaultInjectStarted,
    FaultReverted,
    FaultRevertFailed,
    FaultRevertStarted,
    RevertedBy,
)
from drillctl.core.journal import Journal
from drillctl.faults._aio import blocking, uncancellable
from drillctl.faults.base import FaultEnv, FaultPlan, FaultPlugin
from drillctl.target.describe import describe_targets

MAX_SIGNAL_RETRIES = 5  # a revert cut by more Ctrl-Cs than this fails (journalled, exit 4)


@dataclass
class Interrupts:
    """What the process's signals did, shared by the command's handler and the stack."""

    name: str | None = None  # the first signal received: the drill is being interrupted
    count: int = 0  # every signal received
    reverting: bool = False  # the stack is reverting: a signal now must not cut it


@dataclass
class Injected:
    """One fault on the stack: enough to revert it, in this process or (from the journal) later."""

    index: int
    id: str
    type_name: str
    plugin_cls: type[Any]
    plan: FaultPlan
    undo: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RevertFailure:
    index: int
    id: str
    error: str
    state: str
    todo: str


def say_stderr(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


class FaultStack:
    def __init__(
        self,
        env: FaultEnv,
        journal: Journal,
        *,
        say: Callable[[str], None] = say_stderr,
        recover_flags: str = "",
        interrupts: Interrupts | None = None,
    ) -> None:
        self.env = env
        self.journal = journal
        self._say = say
        self._recover = f"drillctl {recover_flags} recover".replace("  ", " ")
        self._stack: list[Injected] = []
        self.interrupts = interrupts or Interrupts()
        self.failures: list[RevertFailure] = []

    @property
    def active(self) -> list[int]:
        """Indices of the faults still injected, oldest first."""
        return [entry.index for entry in self._stack]

    # --- entering and leaving ---------------------------------------------------------------

    async def __aenter__(self) -> FaultStack:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        cancelled = isinstance(exc, asyncio.CancelledError)
        by = "signal" if self.interrupts.name or cancelled else "engine"
        await uncancellable(self.revert_all(by=by))
        if self.failures:
            raise RevertFailedError(self.failure_message(), hint=self._recover_hint()) from exc
        return False

    # --- inject and revert ------------------------------------------------------------------

    def adopt(self, entry: Injected) -> None:
        """Put a fault injected by an earlier process on the stack (``drillctl recover``)."""
        self._stack.append(entry)

    async def inject(
        self, plugin: FaultPlugin, index: int | None = None, *, fault_id: str | None = None
    ) -> dict[str, Any]:
        """Journal the undo, push the fault, inject it; returns the plugin's result."""
        index = len(self._stack) if index is None else index
        fid = fault_id or getattr(getattr(plugin, "params", None), "name", None) or plugin.type_name
        entry = Injected(index, fid, plugin.type_name, type(plugin), plugin.plan(), plugin.undo())
        self.journal.append(
            FaultInjectStarted(
                fault=index,
                id=fid,
                fault_type=entry.type_name,
                plan=entry.plan.action,
                revert=entry.plan.revert,
                undo=entry.undo,
            )
        )
        self._stack.append(entry)
        try:
            entry.result = await plugin.inject(self.env)
        except BaseException as exc:
            error = "interrupted" if isinstance(exc, asyncio.CancelledError) else describe(exc)
            self.journal.append(FaultInjectFailed(fault=index, id=fid, error=self._clean(error)))
            raise
        fields = injected_fields(entry.result, self.env.clock.now())
        self.journal.append(FaultInjected(fault=index, id=fid, **fields))
        return entry.result

    async def revert(self, index: int, *, by: str = "engine") -> bool:
        """Revert one fault now (a responder's revert, a fault's end); False if it failed."""
        entry = next((e for e in self._stack if e.index == index), None)
        if entry is None:
            return True
        self._stack.remove(entry)
        with self._reverting():
            return await uncancellable(self._revert_entry(entry, by))

    async def revert_all(self, *, by: str = "engine") -> list[RevertFailure]:
        """Revert every fault still injected, newest first, trying each one whatever happens."""
        with self._reverting():
            while self._stack:
                await self._revert_entry(self._stack.pop(), by)
        return self.failures

    @contextlib.contextmanager
    def _reverting(self) -> Iterator[None]:
        """While a revert runs, a signal asks to wait instead of cancelling (commands/signals)."""
        before, self.interrupts.reverting = self.interrupts.reverting, True
        try:
            yield
        finally:
            self.interrupts.reverting = before

    async def _revert_entry(self, entry: Injected, by: str) -> bool:
        started = FaultRevertStarted(fault=entry.index, id=entry.id, by=RevertedBy(by))
        self.journal.append(started)
        try:
            result = await self._revert_retrying_signals(entry)
        except Exception as exc:
            failure = await self._failure(entry, exc)
            self.failures.append(failure)
            failed = FaultRevertFailed(
                fault=entry.index,
                id=entry.id,
                error=failure.error,
                state=failure.state,
                todo=failure.todo,
            )
            self.journal.append(failed)
            return False
        self.journal.append(FaultReverted(fault=entry.index, id=entry.id, result=result))
        return True

    async def _revert_retrying_signals(self, entry: Injected) -> dict[str, Any]:
        """The plugin's revert; tried again when a signal came meanwhile. A Ctrl-C from a terminal
        goes to the whole process group: it also kills the ``docker compose`` the revert runs."""
        for _attempt in range(MAX_SIGNAL_RETRIES):
            signals = self.interrupts.count
            try:
                return dict(await entry.plugin_cls.revert(self.env, entry.undo, entry.result))
            except Exception:
                if self.interrupts.count == signals:
                    raise
                self._say(
                    f"drillctl: the revert of fault {entry.index} was interrupted; trying again"
                )
        return dict(await entry.plugin_cls.revert(self.env, entry.undo, entry.result))

    async def _failure(self, entry: Injected, exc: BaseException) -> RevertFailure:
        state = await blocking(describe_targets, self.env.target, entry.plan.targets)
        manual = getattr(entry.plugin_cls, "manual_revert", None)
        todo = str(manual(self.env, entry.undo)) if manual else f"{entry.plan.revert} by hand"
        todo += f"; then run `{self._recover}` to retry the revert and record it"
        return RevertFailure(
            entry.index, entry.id, self._clean(describe(exc)), state, self._clean(todo)
        )

    # --- messages ---------------------------------------------------------------------------

    def _clean(self, text: str) -> str:
        return self.env.redactor.redact(text)

    def _recover_hint(self) -> str:
        return f"once the stack is fixed, `{self._recover}` records the revert"

    def failure_message(self) -> str:
        return failure_message(self.failures)


def failure_message(failures: list[RevertFailure]) -> str:
    """What failed to revert, its state and what to do, for the exit-4 message."""
    lines = [f"{len(failures)} revert(s) failed; the stack may be left degraded:"]
    for f in failures:
        lines += [
            f"  - fault {f.index} ({f.id}): {f.error}",
            f"    state: {f.state}",
            f"    to do: {f.todo}",
        ]
    return "\n".join(lines)


def injected_fields(result: dict[str, Any], returned: datetime) -> dict[str, Any]:
    """The ``fault.injected`` data: the plugin's result, and lifted out of it ``effective_at``
    (when the fault took effect: faults/_effective.py; else when ``inject`` returned) and
    ``took`` (the fault command's own duration in words, or None)."""
    rest = {k: v for k, v in result.items() if k not in ("effective_at", "took")}
    effective = result.get("effective_at") or returned.isoformat()
    return {"result": rest, "effective_at": effective, "took": result.get("took")}


def describe(exc: BaseException) -> str:
    """An error in one line: drillctl's own errors by their message, others with their type."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = " / ".join(lines[:4])
    if isinstance(exc, DrillError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
