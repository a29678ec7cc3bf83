"""How the game master's actions reach a running drill: ``gm.jsonl`` in the run directory.

The journal has one writer, the running drill. ``drillctl gm`` (another process, maybe on another
machine sharing the state directory) never touches ``journal.jsonl``: it appends one JSON line per
action to ``gm.jsonl`` (``O_APPEND``, under an exclusive ``flock`` so two game masters never
interleave, fsynced before it returns). The drill follows that file (``GmFollower``: a byte offset
and complete lines only, so a line being written is read on the next pass) and copies each action
into its journal as a ``gm.*`` event (``gm.hint`` text, by; ``gm.extend`` seconds, by;
``gm.end-fault`` by; ``gm.verdict`` verdict, by; ``gm.debrief`` text, by), then applies it: an
extension lengthens the fault's hold (the ``max_fault_duration`` guardrail still stands), an early
end queues an ``end-fault`` command that the engine reverts with ``by: game-master``. The last
actions are drained just before ``run.ended``; a line that does not parse is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from drillctl.core.tail import LineTail

GM_NAME = "gm.jsonl"
FOLLOW_EVERY_S = 0.5
Kind = Literal["hint", "extend", "end-fault", "verdict", "debrief"]


class GmAction(BaseModel):
    """One line of ``gm.jsonl``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    by: str
    sent_at: datetime
    text: str | None = None  # hint, debrief
    seconds: float | None = None  # extend
    verdict: Literal["correct", "incorrect"] | None = None

    def event(self) -> tuple[str, dict[str, Any]]:
        """The journal event this action becomes."""
        data: dict[str, Any] = {"by": self.by}
        if self.kind in ("hint", "debrief"):
            data["text"] = self.text or ""
        elif self.kind == "extend":
            data["seconds"] = self.seconds
        elif self.kind == "verdict":
            data["verdict"] = self.verdict
        return f"gm.{self.kind}", data


def send(run_dir: Path, action: GmAction) -> None:
    """Append one action to the run's ``gm.jsonl``; durable before it returns."""
    line = (action.model_dump_json(exclude_none=True) + "\n").encode("utf-8")
    fd = os.open(run_dir / GM_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


class GmFollower:
    """Reads the actions appended to ``gm.jsonl`` since the last call."""

    def __init__(self, path: Path) -> None:
        self.tail = LineTail(path)

    def read_new(self) -> list[GmAction]:
        return [a for a in map(_parse, self.tail.read_lines()) if a is not None]


def _parse(line: bytes) -> GmAction | None:
    try:
        return GmAction.model_validate_json(line)
    except ValidationError:
        return None


class _Journal(Protocol):
    def append(self, event: str, **data: Any) -> Any: ...


class Drill(Protocol):
    """What the channel needs of the engine."""

    extra_hold: float

    @property
    def journal(self) -> _Journal: ...

    @property
    def commands(self) -> asyncio.Queue[str]: ...


def apply(drill: Drill, action: GmAction) -> None:
    """Journal the action (the drill is the journal's one writer), then act on it."""
    type_, data = action.event()
    drill.journal.append(type_, **data)
    if action.kind == "extend" and action.seconds:
        drill.extra_hold += max(action.seconds, 0.0)
    elif action.kind == "end-fault":
        drill.commands.put_nowait("end-fault")


def drain(drill: Drill, follower: GmFollower) -> int:
    actions = follower.read_new()
    for action in actions:
        apply(drill, action)
    return len(actions)


@contextlib.asynccontextmanager
async def following(drill: Drill, run_dir: Path) -> AsyncIterator[GmFollower]:
    """Follow ``gm.jsonl`` while the body runs; registers a last drain before ``run.ended``."""
    follower = GmFollower(run_dir / GM_NAME)
    hooks = getattr(drill.journal, "hooks", None)
    if hooks is not None:
        hooks.before_end.append(lambda: drain(drill, follower))
    task = asyncio.ensure_future(_follow(drill, follower))
    try:
        yield follower
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _follow(drill: Drill, follower: GmFollower) -> None:
    while True:
        drain(drill, follower)
        await asyncio.sleep(FOLLOW_EVERY_S)
